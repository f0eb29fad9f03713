package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.routing.Buckets;
import dev.fader.testing.Cli;
import org.junit.jupiter.api.Test;

/** {@code explain} and {@code simulate} on the shipped example files. */
class ExplainSimulateTest {

    @Test
    void explainShowsEachLayerAndTheDecision() {
        Cli.Result r = Cli.run("explain", "--config", "../config/staged.yaml", "--host", "api.example.com",
                "--path", "/recommend/items", "--header", "X-User-Id: u1001");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("rollout: recommender-v2")
                .contains("layer testers: skipped: header:X-Fader-Force absent")
                .contains("layer staff: skipped")
                .contains("layer beta: applies")
                .contains("X-Fader-Decision: rollout=recommender-v2;variant=canary;layer=beta;bucket="
                        + Buckets.of("recommender-v2:", "u1001") + ";epoch=1");
    }

    @Test
    void explainFollowsTheForceHeaderAndCookies() {
        Cli.Result forced = Cli.run("explain", "--config", "../config/staged.yaml", "--host", "api.example.com",
                "--path", "/recommend", "--header", "X-Fader-Force: canary");
        assertThat(forced.out()).contains("variant: canary").contains("layer:   testers");
        Cli.Result cookie = Cli.run("explain", "--config", "../config/ab-models.yaml", "--path", "/v1/chat",
                "--cookie", "fader_model=model-c");
        assertThat(cookie.out()).contains("variant: model-c").contains("layer:   pinned");
    }

    @Test
    void explainSaysWhenNoRolloutOwnsTheRequest() {
        Cli.Result r = Cli.run("explain", "--config", "../config/ab-models.yaml", "--path", "/elsewhere");
        assertThat(r.out()).contains("no rollout matches");
    }

    @Test
    void simulateReportsSharesWithIntervals() {
        Cli.Result r = Cli.run("simulate", "--config", "../config/ab-models.yaml", "--users", "50000", "--seed", "3");
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsPattern("chat-models +everyone +model-b +10% +5000\\.0 +\\d+ \\[\\d+, \\d+\\]")
                .containsPattern("chat-models +everyone +model-a +80% +40000\\.0")
                .contains("every observed count is inside its 95% interval");
    }

    @Test
    void simulateFlagsASplitThatIsNotWhatTheFileSays() throws Exception {
        // Keys chosen to all fall in the canary's 10% make the observed share impossible under the split.
        java.nio.file.Path keys = java.nio.file.Files.createTempFile("keys", ".txt");
        StringBuilder b = new StringBuilder();
        int found = 0;
        for (int i = 0; found < 200; i++) {
            if (Buckets.of("checkout-v2:", "k" + i) < 1000) {
                b.append("k").append(i).append('\n');
                found++;
            }
        }
        java.nio.file.Files.writeString(keys, b);
        Cli.Result r = Cli.run("simulate", "--config", "../config/canary-10.yaml", "--keys", keys.toString());
        assertThat(r.out()).contains("OUTSIDE").contains("outside their 95% interval");
        java.nio.file.Files.delete(keys);
    }
}
