package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's status table says what the code's {@link Failure} table does: every status, every phrase. */
class FailureTableTest {

    static List<String> readmeRows() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../README.md"));
        int start = lines.indexOf("### What each status Fader answers itself means");
        assertThat(start).as("the README's status section").isPositive();
        List<String> rows = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            if (lines.get(i).startsWith("| `")) {
                rows.add(lines.get(i));
            }
        }
        return rows;
    }

    @Test
    void everyFailureHasItsStatusAndPhraseInTheReadmeAndTheReadmeNoOther() throws Exception {
        List<String> rows = readmeRows();
        Set<Integer> documented = new HashSet<>();
        for (String row : rows) {
            Matcher m = Pattern.compile("`(\\d{3})`").matcher(row.substring(0, row.indexOf('|', 1)));
            while (m.find()) {
                documented.add(Integer.parseInt(m.group(1)));
            }
        }
        Set<Integer> coded = new HashSet<>();
        for (Failure f : Failure.values()) {
            coded.add(f.status.code());
            String status = "`" + f.status.code() + "`";
            assertThat(rows).as("a README row for %s (%s) naming `%s`", f, status, f.what)
                    .anyMatch(r -> r.substring(0, r.indexOf('|', 1)).contains(status) && r.contains("`" + f.what + "`"));
        }
        assertThat(documented).isEqualTo(coded);
    }
}
