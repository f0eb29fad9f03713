package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.FaderConfig;
import dev.fader.testing.Configs;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code fader plan}'s simulator runs the rollout's own controller: seeded, its outcomes as the engine decides. */
class PlanTest {
    static final FaderConfig CONFIG = Configs.parse(Configs.canary("""
            split: { canary: 0% }
            progressive:
              steps: [10%, 50%, 100%]
              step-min-duration: 10s
              step-min-requests: 50
              analysis: { max-error-ratio: 1.5, max-error-increase: 0.5%, alpha: 0.01 }
            """));

    @Test
    void aCanaryAsGoodAsTheBaselineIsPromotedInNearlyEveryRun() {
        Plan.Result r = Plan.run(CONFIG, "web", new Plan.Settings(0.02, 0.02, 10_000, 200, 100, 1));
        assertThat(r.runs()).isEqualTo(100);
        assertThat(r.aborted()).as("false aborts of 100 (alpha 0.01 per rollout)").isLessThanOrEqualTo(3);
        assertThat(r.promoted() + r.aborted() + r.paused() + r.undecided()).isEqualTo(100);
        assertThat(r.promoted()).isGreaterThanOrEqualTo(97);
        // two steps of at least 10 s each, then the 100% step is the promotion
        assertThat(Plan.Result.quantile(r.secondsToPromote(), 0.5)).isBetween(20L, 40L);
    }

    @Test
    void aCanaryTenTimesWorseIsAbortedInEveryRunAndTheJsonSaysSo() {
        Plan.Result r = Plan.run(CONFIG, "web", new Plan.Settings(0.02, 0.20, 10_000, 200, 50, 2));
        assertThat(r.aborted()).isEqualTo(50);
        Map<String, Object> json = new Yaml().load(r.json());
        assertThat(json).containsOnlyKeys("runs", "promoted", "aborted", "paused", "undecided", "canaryRequestsToAbort",
                "secondsToPromote");
        assertThat(json).containsEntry("runs", 50).containsEntry("aborted", 50).containsEntry("promoted", 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> toPromote = (Map<String, Object>) json.get("secondsToPromote");
        assertThat(toPromote).containsOnlyKeys("p50", "p90", "p99").allSatisfy((k, v) -> assertThat(v).isNull());
        @SuppressWarnings("unchecked")
        Map<String, Integer> toAbort = (Map<String, Integer>) json.get("canaryRequestsToAbort");
        assertThat(toAbort.get("p50")).isPositive().isLessThanOrEqualTo(toAbort.get("p90"));
        assertThat(toAbort.get("p90")).isLessThanOrEqualTo(toAbort.get("p99"));
    }

    @Test
    void theSameSeedGivesTheSameAnswer() {
        Plan.Settings s = new Plan.Settings(0.01, 0.03, 10_000, 200, 20, 7);
        assertThat(Plan.run(CONFIG, "web", s).json()).isEqualTo(Plan.run(CONFIG, "web", s).json());
    }
}
