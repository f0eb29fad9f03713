package dev.fader.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.admin.AdminApi.ReloadStatus;
import dev.fader.testing.TestInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload applies limits and pools at once and names the start-time keys it had to leave for a restart. */
class ReloadScopeIT {
    @TempDir
    Path dir;

    static String file(String responseTimeout, int maxIdle, String window) {
        return """
                listen: 127.0.0.1:0
                access-log: "off"
                response-timeout: %s
                max-idle-per-endpoint: %d
                feedback: { window: %s }
                upstreams:
                  a: { endpoints: [127.0.0.1:9001] }
                """.formatted(responseTimeout, maxIdle, window);
    }

    @Test
    void limitsApplyOnReloadAndStartTimeKeysWaitForARestart() throws Exception {
        try (TestInstance fader = TestInstance.start(dir, file("30s", 64, "5m"))) {
            Files.writeString(fader.file(), file("2s", 8, "1m"));
            ReloadStatus r = fader.instance().reload();
            assertThat(r.ok()).isTrue();
            assertThat(r.restartNeeded()).containsExactly("feedback", "max-idle-per-endpoint");
            assertThat(fader.instance().table().config().limits().responseTimeout()).isEqualTo(Duration.ofSeconds(2));
            // The snapshot says what runs: the start-time values stay until a restart.
            assertThat(fader.instance().table().config().startup().maxIdlePerEndpoint()).isEqualTo(64);
            assertThat(fader.instance().table().config().feedback().window()).isEqualTo(Duration.ofMinutes(5));

            Files.writeString(fader.file(), file("3s", 64, "5m"));
            assertThat(fader.instance().reload().restartNeeded()).isEmpty();
        }
    }
}
