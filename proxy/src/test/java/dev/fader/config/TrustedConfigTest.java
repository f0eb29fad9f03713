package dev.fader.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout file's trust settings: secret references, who the admin port needs, and names that stay names. */
class TrustedConfigTest {
    @TempDir
    Path dir;

    static final String BASE = """
            listen: 127.0.0.1:0
            upstreams:
              stable: { endpoints: [127.0.0.1:9] }
            """;

    FaderConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(dir.resolve("rollout.yaml"), yaml, env::get);
    }

    List<String> errors(String yaml, Map<String, String> env) {
        try {
            parse(yaml, env);
            throw new AssertionError("accepted: " + yaml);
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
    }

    @Test
    void secretsComeFromTheEnvironmentOrAFileAndNeverShow() throws Exception {
        Files.writeString(dir.resolve("fb"), "from-a-file\n");
        FaderConfig c = parse("admin: 127.0.0.1:0\nadmin-token: ${env:ADMIN}\nfeedback-token: ${file:fb}\n"
                + "admin-read-token: \"pre-${env:ADMIN}-$${literal}\"\n" + BASE, Map.of("ADMIN", "s3cret"));
        assertThat(c.access().adminToken().matches("s3cret")).isTrue();
        assertThat(c.access().adminToken().matches("s3cret ")).isFalse();
        assertThat(c.access().feedbackToken().reveal()).isEqualTo("from-a-file");
        assertThat(c.access().readToken().reveal()).isEqualTo("pre-s3cret-${literal}");
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("from-a-file").contains("<secret>");
    }

    @Test
    void aMissingSecretIsAPositionedErrorThatNamesTheReferenceNotAValue() {
        assertThat(errors("admin: 127.0.0.1:0\nadmin-token: ${env:NOPE}\nfeedback-token: ${file:/no/such}\n" + BASE,
                Map.of())).containsExactly(
                dir.resolve("rollout.yaml") + ":2:14: admin-token: ${env:NOPE}: environment variable NOPE is not set",
                dir.resolve("rollout.yaml") + ":3:17: feedback-token: ${file:/no/such}: no such file (expected: a"
                        + " readable file holding the secret)");
    }

    @Test
    void anAdminPortOthersCanReachNeedsAToken() {
        assertThat(errors("admin: 0.0.0.0:9901\n" + BASE, Map.of())).singleElement().asString()
                .contains(":1:8: admin: 0.0.0.0:9901 is reachable from other hosts, so it needs admin-token");
        assertThat(errors("admin: 0.0.0.0:9901\nadmin-token: \"\"\n" + BASE, Map.of())).singleElement().asString()
                .contains("admin-token: empty token");
        assertThat(errors("admin: 127.0.0.1:9901\nadmin-token: ${env:EMPTY}\n" + BASE, Map.of("EMPTY", "")))
                .singleElement().asString().contains("admin-token: empty token");
    }

    @Test
    void loopbackAdminPortsMayStayOpen() throws Exception {
        for (String admin : List.of("127.0.0.1:0", "9901", "localhost:9901", "\"[::1]:9901\"")) {
            assertThat(parse("admin: " + admin + "\n" + BASE, Map.of()).access().adminToken()).isNull();
        }
    }

    @Test
    void namesThatWouldSplitAHeaderAPathOrAFileAreRefused() {
        List<String> e = errors("""
                listen: 127.0.0.1:0
                upstreams:
                  "st able": { endpoints: [127.0.0.1:9] }
                  stable: { endpoints: [127.0.0.1:9] }
                rollouts:
                  - name: a/b
                    baseline: stable
                    variants: { "canary\\r\\nX-Evil: 1": stable, stable: stable }
                """, Map.of());
        assertThat(e).anyMatch(m -> m.contains(":3:3: upstreams: upstream 'st able' is not a valid name"))
                .anyMatch(m -> m.contains(":6:11: rollout 'a/b' is not a valid name"))
                .anyMatch(m -> m.contains("variant 'canary\\x0d\\x0aX-Evil: 1' is not a valid name"));
    }

    @Test
    void aRolloutFileIsReadBoundedAndOnlyWhenRegular() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder.yaml"));
        assertThatThrownBy(() -> ConfigLoader.load(folder)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a regular file");
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'l', 'i', 's', 't', 'e', 'n', ':', ' ', (byte) 0xe9});
        assertThatThrownBy(() -> ConfigLoader.load(latin1)).hasMessageContaining("not UTF-8 text");
    }
}
