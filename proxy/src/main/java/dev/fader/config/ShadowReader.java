package dev.fader.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads a rollout's {@code shadow:} block, checking its pools against the file's. */
final class ShadowReader {
    private static final Set<String> KEYS = Set.of("upstream", "noise", "share", "methods", "paths", "max-body",
            "max-in-flight", "timeout", "ignore");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private ShadowReader() {
    }

    static ShadowConfig read(YamlMap s, String where, Set<String> upstreams, Problems problems) {
        s.allow(KEYS);
        String upstream = s.required("upstream");
        for (String key : new String[] {"upstream", "noise"}) {
            String pool = s.string(key).orElse(null);
            if (pool != null && !upstreams.contains(pool)) {
                problems.at(s.value(key).orElseThrow(), where + "." + key + ": unknown upstream '" + pool
                        + "' (expected one of: " + String.join(", ", upstreams) + ")");
            }
        }
        Set<String> methods = new LinkedHashSet<>();
        for (Node n : s.list("methods")) {
            s.parse(n, where + ".methods", m -> {
                if (!METHODS.contains(m)) {
                    throw new IllegalArgumentException("'" + m + "' is not a method Fader copies (expected one of: "
                            + String.join(", ", METHODS.stream().sorted().toList()) + ")");
                }
                return m;
            }).ifPresent(methods::add);
        }
        List<String> paths = new ArrayList<>();
        for (Node n : s.list("paths")) {
            s.parse(n, where + ".paths", p -> startsWithSlash(p, "a path prefix such as /v1/")).ifPresent(paths::add);
        }
        List<String> ignore = new ArrayList<>();
        for (Node n : s.list("ignore")) {
            s.parse(n, where + ".ignore", p -> startsWithSlash(p, "a JSON pointer such as /id")).ifPresent(ignore::add);
        }
        return new ShadowConfig(upstream, s.string("noise").orElse(null),
                s.parsed("share", Percent::basisPoints).orElse(Percent.ALL),
                methods.isEmpty() ? Set.of("GET", "HEAD") : methods, paths,
                s.parsed("max-body", Sizes::parse).orElse(1L << 20),
                s.parsed("max-in-flight", v -> ConfigLoader.count(v, 1)).orElse(64),
                s.parsed("timeout", ConfigLoader::positive).orElse(Duration.ofSeconds(30)), ignore);
    }

    private static String startsWithSlash(String s, String expected) {
        if (!s.startsWith("/")) {
            throw new IllegalArgumentException("'" + s + "' does not start with / (expected: " + expected + ")");
        }
        return s;
    }
}
