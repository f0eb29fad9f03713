package dev.fader.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's first command, headless for a few seconds: the table shows both variants and a verdict. */
class DemoTest {

    @Test
    void demoPrintsBothVariantsWithVerdicts() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new Demo(new Demo.Settings(0, 30, 0.5, 30, 500, 400, Duration.ofSeconds(4), false),
                new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Fader demo: proxy on http://127.0.0.1:").contains("/status").contains("/metrics");
        String last = out.substring(out.lastIndexOf("variant  "));
        assertThat(last).containsPattern("stable +\\d+ ").containsPattern("canary +\\d+ ").contains("baseline");
        // With half the canary's requests failing, the verdict and the controller must act within seconds.
        assertThat(last).contains("DEGRADED").contains("rollout: aborted").contains("gate failed")
                .doesNotContain("SAMPLE RATIO MISMATCH");
    }

    @Test
    void theModelDemoRollsBackACanaryThatNeverFailedARequest() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new ModelDemo(new ModelDemo.Settings(0, 30, 0.6, 50, 500, 150, Duration.ofSeconds(6), false),
                new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Fader model demo: proxy on http://127.0.0.1:");
        String last = out.substring(out.lastIndexOf("variant  "));
        assertThat(last).containsPattern("model-v1 +\\d+ ").containsPattern("model-v2 +\\d+ ").contains("baseline");
        assertThat(last).contains("rollout: aborted").contains("bad-finish").contains("FAILED");
        assertThat(last).containsPattern("model-v2 +\\d+ +\\d+ms +[0-9.]+ +[0-9.]+% +0 ");
    }
}
