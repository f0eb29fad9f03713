package dev.fader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The house rules that the source itself can show: one-way package imports, small classes, a package-info each. */
class ArchitectureTest {
    static final Path MAIN = Path.of("src/main/java/dev/fader");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.fader\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** package -> the packages it imports. */
    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String pkg = MAIN.relativize(f).getName(0).toString();
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(read(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            });
        }
        return g;
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void packagesImportEachOtherOneWayOnly() throws IOException {
        Map<String, Set<String>> g = graph();
        assertThat(g).containsKeys("config", "routing", "proxy", "feedback", "analysis", "metrics", "admin", "app",
                "demo", "cli");
        // Peel off packages that import nothing left; whatever remains lies on a cycle.
        Map<String, Set<String>> left = new TreeMap<>();
        g.forEach((k, v) -> left.put(k, new TreeSet<>(v)));
        boolean peeled = true;
        while (peeled) {
            peeled = false;
            for (String p : new ArrayList<>(left.keySet())) {
                if (left.get(p).stream().noneMatch(left::containsKey)) {
                    left.remove(p);
                    peeled = true;
                }
            }
        }
        assertThat(left).as("packages on an import cycle, with their imports (whole graph: %s)", g).isEmpty();
        assertThat(g.get("demo")).doesNotContain("cli");
        assertThat(g.get("config")).isEmpty();
        assertThat(g.get("proxy")).as("the request path sees no analysis, metrics, admin or root")
                .doesNotContain("analysis", "metrics", "admin", "app", "cli", "demo");
    }

    @Test
    void everyMainClassIsAtMost400LinesAndEveryPackageSaysWhereToStart() throws IOException {
        List<String> big = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                long lines = read(f).lines().count();
                if (lines > 400) {
                    big.add(f + " (" + lines + " lines)");
                }
            });
        }
        assertThat(big).isEmpty();
        for (String pkg : graph().keySet()) {
            assertThat(MAIN.resolve(pkg).resolve("package-info.java")).exists();
        }
    }
}
