package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.FaderConfig;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.Verdict;
import dev.fader.routing.RoutingTable;
import dev.fader.testing.Configs;
import dev.fader.testing.OutcomeBuilder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One engine behind every verdict: static splits judged on their own, progressive canaries by their gates. */
class EngineTest {
    @TempDir
    Path dir;

    static final String STATIC = """
            split: { canary: 30% }
            layers:
              - name: testers
                force: header:X-Fader-Force
              - name: everyone
                split: { canary: 30% }
            """;

    Engine engine(String body) {
        FaderConfig config = Configs.parse(Configs.canary(body));
        Controllers controllers = new Controllers(() -> 0L, dir, (n, s) -> { });
        controllers.reconcile(config);
        return new Engine(controllers, config.feedback(), RoutingTable.compile(config, 1, controllers.overrides()));
    }

    static int users;

    /** A request of a new user each time (users are what the engine caps). */
    static Outcome outcome(String variant, String layer, boolean error) {
        int user = ++users;
        return OutcomeBuilder.outcome().route("web", variant, layer, user % 10_000, user).status(error ? 500 : 200).build();
    }

    /** {@code seconds} of {@code perSecond} requests at a 30% split, ticking once a second. */
    static void traffic(Engine e, int seconds, int perSecond, double stableErrors, double canaryErrors, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                boolean canary = rnd.nextDouble() < 0.30;
                boolean error = rnd.nextDouble() < (canary ? canaryErrors : stableErrors);
                e.record(outcome(canary ? "canary" : "stable", "everyone", error));
            }
            e.tick();
        }
    }

    @Test
    void aStaticSplitIsInsufficientThenHealthyWhenTheCanaryIsNoWorse() {
        Engine e = engine(STATIC.replace("split: { canary: 30% }\nlayers", "layers"));
        traffic(e, 1, 100, 0.02, 0.02, 1);
        assertThat(e.of("web", "canary").status()).isEqualTo(Verdict.Status.INSUFFICIENT_DATA);
        assertThat(e.of("web", "stable").status()).isEqualTo(Verdict.Status.BASELINE);
        traffic(e, 600, 500, 0.02, 0.02, 2);
        Verdict v = e.of("web", "canary");
        assertThat(v.status()).as(v.reason()).isEqualTo(Verdict.Status.HEALTHY);
        assertThat(v.evidence()).isGreaterThanOrEqualTo(v.needed());
    }

    @Test
    void aStaticSplitWhoseCanaryFailsTenTimesMoreIsDegraded() {
        Engine e = engine(STATIC.replace("split: { canary: 30% }\nlayers", "layers"));
        traffic(e, 30, 500, 0.01, 0.10, 3);
        Verdict v = e.of("web", "canary");
        assertThat(v.status()).as(v.reason()).isEqualTo(Verdict.Status.DEGRADED);
        assertThat(v.reason()).contains("errors: canary").contains("FAILED");
    }

    @Test
    void forcedTestersFailingAreShownButNeverJudged() {
        Engine e = engine(STATIC.replace("split: { canary: 30% }\nlayers", "layers"));
        for (int s = 0; s < 30; s++) {
            for (int i = 0; i < 200; i++) {
                e.record(outcome("canary", "testers", true)); // testers on a broken canary: not a random sample
                e.record(outcome("stable", "everyone", false));
            }
            e.tick();
        }
        assertThat(e.of("web", "canary").status()).isNotEqualTo(Verdict.Status.DEGRADED);
        assertThat(e.of("web", "other").reason()).contains("not in a random split");
        assertThat(e.of("web", "canary").reason()).contains("0 and 6000 randomly split requests");
    }

    @Test
    void aProgressiveCanarysVerdictIsItsGatesNeverHealthyWhileOneFails() {
        FaderConfig config = Configs.parse(Configs.canary("""
                split: { canary: 0% }
                progressive:
                  steps: [30%, 100%]
                  step-min-duration: 1h
                  step-min-requests: 50
                  analysis: { max-error-ratio: 1.5, max-error-increase: 0.5%, slow-threshold: 300ms, alpha: 0.01 }
                  on-failure: pause
                """));
        long[] now = {0};
        Controllers controllers = new Controllers(() -> now[0], dir, (n, s) -> { });
        controllers.reconcile(config);
        Engine e = new Engine(controllers, config.feedback(), RoutingTable.compile(config, 1, controllers.overrides()));
        SplittableRandom rnd = new SplittableRandom(4);
        boolean sawFailure = false;
        for (int s = 0; s < 60 && !sawFailure; s++) {
            for (int i = 0; i < 300; i++) {
                boolean canary = rnd.nextDouble() < 0.30;
                // the canary keeps its clients waiting: they give up after 2 s, past the slow threshold
                Outcome o = canary && rnd.nextDouble() < 0.2
                        ? OutcomeBuilder.outcome().route("web", "canary", "everyone", i, 1000 * s + i).kind(Outcome.Kind.CLIENT_ABORT)
                                .millis(-1, 2000).build()
                        : outcome(canary ? "canary" : "stable", "everyone", false);
                controllers.record(o);
            }
            now[0] += 1000;
            controllers.tick();
            boolean gateFailed = controllers.get("web").gates().stream().anyMatch(Gate::failed);
            Verdict v = e.of("web", "canary");
            assertThat(v.status() == Verdict.Status.HEALTHY && gateFailed).as("HEALTHY while a gate fails").isFalse();
            assertThat(v.status() == Verdict.Status.DEGRADED).isEqualTo(gateFailed);
            sawFailure = gateFailed;
        }
        assertThat(sawFailure).as("slow client aborts fail the slow gate").isTrue();
        assertThat(controllers.get("web").gates()).anyMatch(g -> g.name().startsWith("slow") && g.failed());
        assertThat(controllers.get("web").state().phase()).isEqualTo(RolloutState.Phase.PAUSED);
    }

    @Test
    void oneUserRetryingAFailingCallCountsOnceNotThirtyTimes() {
        Engine e = engine(STATIC.replace("split: { canary: 30% }\nlayers", "layers"));
        SplittableRandom rnd = new SplittableRandom(5);
        for (int s = 0; s < 120; s++) {
            for (int i = 0; i < 300; i++) {
                boolean canary = rnd.nextDouble() < 0.30;
                e.record(outcome(canary ? "canary" : "stable", "everyone", rnd.nextDouble() < 0.01));
            }
            for (int retry = 0; retry < 30; retry++) { // one canary user hammering a call that fails for them alone
                e.record(OutcomeBuilder.outcome().route("web", "canary", "everyone", 42, 424242).status(500).build());
            }
            e.tick();
        }
        Verdict v = e.of("web", "canary");
        assertThat(v.status()).as(v.reason()).isNotEqualTo(Verdict.Status.DEGRADED);
    }

    @Test
    void aRolloutWhoseSplitLooksBrokenPausesAndSaysWhy() {
        FaderConfig config = Configs.parse(Configs.canary("""
                split: { canary: 0% }
                progressive:
                  steps: [10%, 100%]
                  step-min-duration: 1h
                """));
        String[] problem = {null};
        Controllers controllers = new Controllers(() -> 0L, dir, (n, s) -> { }, rollout -> problem[0]);
        controllers.reconcile(config);
        controllers.tick();
        assertThat(controllers.get("web").state().phase()).isEqualTo(RolloutState.Phase.PROGRESSING);
        problem[0] = "sample ratio mismatch in layer everyone";
        assertThat(controllers.tick()).as("a pause keeps the weight: nothing to republish").isFalse();
        assertThat(controllers.get("web").state().phase()).isEqualTo(RolloutState.Phase.PAUSED);
        assertThat(controllers.get("web").state().reason()).isEqualTo("paused: sample ratio mismatch in layer everyone");
    }
}
