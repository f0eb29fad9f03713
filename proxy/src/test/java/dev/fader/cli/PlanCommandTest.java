package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Cli;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code fader plan} as the contract's section 4 and 8 spell it. */
class PlanCommandTest {

    @Test
    void jsonAnswersWithTheContractsObjectAndRatesMayBePercentagesOrFractions() {
        Cli.Result r = Cli.run("plan", "--config", "../config/progressive.yaml", "--baseline-error", "1%",
                "--canary-error", "0.1", "--runs", "5", "--users", "5000", "--rps", "200", "--seed", "3", "--json");
        assertThat(r.status()).as(r.out()).isZero();
        Map<String, Object> json = new Yaml().load(r.out().strip());
        assertThat(json).containsEntry("runs", 5).containsEntry("aborted", 5).containsEntry("promoted", 0)
                .containsKeys("paused", "undecided", "canaryRequestsToAbort", "secondsToPromote");
    }

    @Test
    void theTableNamesTheStepsAndTheOutcomes() {
        Cli.Result r = Cli.run("plan", "--config", "../config/progressive.yaml", "--baseline-error", "1%",
                "--canary-error", "1%", "--runs", "3", "--rps", "200");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("rollout search-v3: steps 1%, 5%, 25%, manual, 50%, 100%")
                .containsPattern("promoted +\\d+").contains("seconds to promote:");
    }

    @Test
    void aRateThatIsNotOneIsRefusedWithWhatWasExpected() {
        Cli.Result r = Cli.run("plan", "--config", "../config/progressive.yaml", "--baseline-error", "150%",
                "--canary-error", "1%");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("--baseline-error: '150%' is not a rate (expected: 3.2% or 0.032, between 0 and 1)");
    }

    @Test
    void aFileWithoutAProgressiveRolloutIsRefused() {
        Cli.Result r = Cli.run("plan", "--config", "../config/canary-10.yaml", "--baseline-error", "1%",
                "--canary-error", "1%");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("no rollout has a progressive block");
    }
}
