package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.FaderConfig;
import dev.fader.feedback.Outcome;
import dev.fader.testing.OutcomeBuilder;
import dev.fader.routing.RoutingTable;
import dev.fader.testing.Configs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progressive state machine with a fake clock and synthetic outcomes: no sleeping, no network. */
class ControllersTest {
    @TempDir
    Path dir;
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    final List<String> transitions = new ArrayList<>();
    final SplittableRandom random = new SplittableRandom(3);

    static String yaml(String steps, String extra) {
        return Configs.canary("""
                user-key: [header:X-User-Id]
                split: { canary: 0%% }
                progressive:
                  steps: %s
                  step-min-duration: 1m
                  step-min-requests: 100
                  analysis: { max-error-ratio: 1.5, max-error-increase: 0.5%%, slow-threshold: 300ms, alpha: 0.01 }
                  state-dir: state
                %s""".formatted(steps, extra));
    }

    Controllers controllers(FaderConfig config) {
        Controllers c = new Controllers(now::get, dir, (name, s) -> transitions.add(name + ":" + s.phase().label()));
        c.reconcile(config);
        return c;
    }

    static Outcome outcome(String variant, boolean error, long millis) {
        return OutcomeBuilder.outcome().variant(variant).status(error ? 500 : 200).millis(millis, millis).build();
    }

    /** {@code n} requests at the current weight, errors at the given rates. */
    void traffic(Controllers c, int n, double canaryErrors, double stableErrors) {
        double share = Math.max(0.05, c.get("web").weight() / 10_000.0);
        for (int i = 0; i < n; i++) {
            boolean canary = random.nextDouble() < share;
            c.record(outcome(canary ? "canary" : "stable",
                    random.nextDouble() < (canary ? canaryErrors : stableErrors), 20));
        }
    }

    @BeforeEach
    void clear() {
        transitions.clear();
    }

    @Test
    void aHealthyCanaryWalksEveryStepToPromoted() {
        Controllers c = controllers(Configs.parse(yaml("[1%, 5%, 25%, 100%]", "")));
        RolloutController web = c.get("web");
        List<Integer> weights = new ArrayList<>();
        for (int minute = 0; minute < 20 && web.state().phase() == RolloutState.Phase.PROGRESSING; minute++) {
            weights.add(web.weight());
            traffic(c, 3000, 0.01, 0.01);
            now.addAndGet(61_000);
            c.tick();
        }
        assertThat(web.state().phase()).isEqualTo(RolloutState.Phase.PROMOTED);
        assertThat(weights).containsExactly(100, 500, 2500);
        assertThat(web.weight()).isEqualTo(10_000);
        assertThat(transitions).containsExactly("web:progressing", "web:progressing", "web:promoted");
        RoutingTable t = RoutingTable.compile(Configs.parse(yaml("[1%, 5%, 25%, 100%]", "")), 1, c.overrides());
        assertThat(t.rollout("web").layers().get(0).shareOf("canary")).isEqualTo(10_000);
    }

    @Test
    void tooLittleTrafficHoldsTheStepAndSaysWhy() {
        Controllers c = controllers(Configs.parse(yaml("[1%, 5%, 100%]", "")));
        traffic(c, 200, 0, 0); // too few canary requests at 1%
        now.addAndGet(3_600_000);
        assertThat(c.tick()).isFalse();
        RolloutState s = c.get("web").state();
        assertThat(s.phase()).isEqualTo(RolloutState.Phase.PROGRESSING);
        assertThat(s.step()).isZero();
        assertThat(s.reason()).contains("holding at 1%").contains("/100 requests").contains("INSUFFICIENT_DATA");
    }

    @Test
    void aFailingCanaryIsAbortedAndOnlyForceLayersKeepIt() {
        Controllers c = controllers(Configs.parse(yaml("[5%, 25%, 100%]", "")));
        traffic(c, 4000, 0.01, 0.01);
        now.addAndGet(61_000);
        c.tick();
        assertThat(c.get("web").weight()).isEqualTo(2500);
        for (int i = 0; i < 50 && c.get("web").state().phase() == RolloutState.Phase.PROGRESSING; i++) {
            traffic(c, 100, 0.20, 0.01); // the canary starts failing mid-way
            c.tick();
        }
        RolloutState s = c.get("web").state();
        assertThat(s.phase()).isEqualTo(RolloutState.Phase.ABORTED);
        assertThat(s.reason()).contains("gate failed at 25%: errors:").contains("FAILED");
        assertThat(c.overrides().get("web").aborted()).isTrue();
        assertThat(c.get("web").weight()).isZero();
    }

    @Test
    void onFailurePauseHoldsTheWeight() {
        Controllers c = controllers(Configs.parse(yaml("[10%, 100%]", "  on-failure: pause\n")));
        for (int i = 0; i < 50 && c.get("web").state().phase() == RolloutState.Phase.PROGRESSING; i++) {
            traffic(c, 200, 0.3, 0.01);
            c.tick();
        }
        assertThat(c.get("web").state().phase()).isEqualTo(RolloutState.Phase.PAUSED);
        assertThat(c.get("web").weight()).isEqualTo(1000);
    }

    @Test
    void aManualStepWaitsForPromote() {
        Controllers c = controllers(Configs.parse(yaml("[5%, manual, 50%, 100%]", "")));
        traffic(c, 3000, 0, 0);
        now.addAndGet(61_000);
        c.tick();
        RolloutController web = c.get("web");
        assertThat(web.state().step()).isEqualTo(1);
        assertThat(web.weight()).isEqualTo(500); // the manual step keeps the share before it
        traffic(c, 3000, 0, 0);
        now.addAndGet(3_600_000);
        c.tick();
        assertThat(web.state().step()).isEqualTo(1);
        assertThat(web.state().reason()).contains("waiting for a manual promote");
        assertThat(c.control("web", "promote").applied()).isTrue();
        assertThat(web.state().step()).isEqualTo(2);
        assertThat(web.weight()).isEqualTo(5000);
    }

    @Test
    void manualControlFollowsTheStateMachine() {
        Controllers c = controllers(Configs.parse(yaml("[5%, 100%]", "")));
        assertThat(c.control("nope", "pause")).isNull();
        assertThat(c.control("web", "resume").applied()).isFalse();
        assertThat(c.control("web", "pause").applied()).isTrue();
        assertThat(c.get("web").state().phase()).isEqualTo(RolloutState.Phase.PAUSED);
        assertThat(c.control("web", "resume").applied()).isTrue();
        assertThat(c.control("web", "abort").applied()).isTrue();
        Controllers.ControlOutcome resume = c.control("web", "resume");
        assertThat(resume.applied()).isFalse();
        assertThat(resume.message()).contains("stays aborted until its definition changes");
        assertThat(c.control("web", "dance").message()).contains("unknown action");
    }

    @Test
    void stateSurvivesARestartAndADefinitionChangeStartsOver() throws Exception {
        FaderConfig config = Configs.parse(yaml("[5%, 25%, 100%]", ""));
        Controllers first = controllers(config);
        traffic(first, 3000, 0, 0);
        now.addAndGet(61_000);
        first.tick();
        first.control("web", "abort");
        assertThat(Files.readString(dir.resolve("state/web.json"))).contains("\"state\":\"aborted\"");

        Controllers restarted = controllers(config);
        assertThat(restarted.get("web").state().phase()).isEqualTo(RolloutState.Phase.ABORTED);
        assertThat(restarted.get("web").state().history()).extracting(RolloutState.Event::to)
                .containsExactly("progressing", "progressing", "aborted");

        Controllers changed = controllers(Configs.parse(yaml("[5%, 25%, 100%]", "").replace("split:", "revision: v2\n    split:")));
        assertThat(changed.get("web").state().phase()).isEqualTo(RolloutState.Phase.PROGRESSING);
        assertThat(changed.get("web").weight()).isEqualTo(500);
    }

    @Test
    void aCorruptStateFileIsKeptAsideAndTheRolloutWaitsAtZeroForAResume() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/web.json"), "{\"state\": \"promoted\", \"step\": ");
        Controllers c = controllers(Configs.parse(yaml("[50%, 100%]", "")));
        RolloutState s = c.get("web").state();
        assertThat(s.phase()).isEqualTo(RolloutState.Phase.PAUSED);
        assertThat(s.reason()).contains("state file unreadable (kept as web.corrupt-" + now.get() + ")");
        assertThat(c.get("web").weight()).isZero();
        assertThat(Files.readString(dir.resolve("state/web.corrupt-" + now.get()))).isEqualTo("{\"state\": \"promoted\", \"step\": ");
        assertThat(c.control("web", "resume").applied()).isTrue();
        assertThat(c.get("web").state().step()).isZero();
        assertThat(c.get("web").weight()).as("resume starts at the first step").isEqualTo(5000);
    }

    @Test
    void anUnwritableStateHoldsEveryStepUpButNotARollback() throws Exception {
        Files.writeString(dir.resolve("blocker"), "a regular file: no folder can be made under it, even by root");
        List<String> failures = new ArrayList<>();
        Controllers c = new Controllers(now::get, dir, (name, st) -> { });
        c.onWriteError(failures::add);
        c.reconcile(Configs.parse(yaml("[1%, 5%, 100%]", "").replace("state-dir: state", "state-dir: blocker/state")));
        assertThat(c.persisted("web").ok()).isFalse();
        assertThat(c.persisted("web").error()).contains("blocker/state/web.json");
        for (int minute = 0; minute < 5; minute++) {
            traffic(c, 3000, 0.01, 0.01);
            now.addAndGet(61_000);
            c.tick();
        }
        assertThat(c.get("web").weight()).as("healthy evidence, yet no step up a restart would forget").isEqualTo(100);
        assertThat(c.get("web").state().reason()).contains("the state cannot be written");
        assertThat(c.control("web", "promote").applied()).isFalse();
        assertThat(failures).hasSizeGreaterThan(5);
        Files.delete(dir.resolve("blocker"));
        traffic(c, 3000, 0.01, 0.01);
        now.addAndGet(61_000);
        c.tick();
        assertThat(c.persisted("web").ok()).isTrue();
        assertThat(c.get("web").weight()).as("written again: the step up goes ahead").isEqualTo(500);
        Files.delete(dir.resolve("blocker/state/web.json"));
        Files.delete(dir.resolve("blocker/state"));
        Files.delete(dir.resolve("blocker"));
        Files.writeString(dir.resolve("blocker"), "again");
        assertThat(c.control("web", "abort").applied()).as("a rollback never waits for the disk").isTrue();
        assertThat(c.get("web").weight()).isZero();
        assertThat(c.persisted("web").ok()).isFalse();
    }
}
