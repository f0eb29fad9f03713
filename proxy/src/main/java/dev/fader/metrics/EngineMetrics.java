package dev.fader.metrics;

import dev.fader.analysis.Controllers;
import dev.fader.analysis.Gate;
import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.RolloutReport;
import dev.fader.feedback.Verdicts;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The decision engine's view as metrics, refreshed at each scrape (what Flagger's users asked for):
 * {@code fader_rollout_state{rollout,state}} (1 for the rollout's current state, 0 for the others;
 * {@code static} for a rollout without {@code progressive:}), {@code fader_rollout_step{rollout}} (1-based,
 * as {@code /status}), {@code fader_analysis_evidence{rollout,gate}} and
 * {@code fader_analysis_evidence_needed{rollout,gate}} (each gate of a progressive canary: its evidence
 * that the canary is worse than tolerated, and the bar that aborts), and
 * {@code fader_sample_ratio_mismatch{rollout}} (1 while the split's sample-ratio check flags a mismatch).
 */
final class EngineMetrics {
    private static final List<String> STATES = List.of("progressing", "paused", "aborted", "promoted", "static");

    private final Supplier<RoutingTable> table;
    private final Controllers controllers;
    private final FeedbackWindows windows;
    private final Verdicts verdicts;
    private final MultiGauge state;
    private final MultiGauge step;
    private final MultiGauge evidence;
    private final MultiGauge needed;
    private final MultiGauge mismatch;

    EngineMetrics(MeterRegistry registry, Supplier<RoutingTable> table, Controllers controllers, FeedbackWindows windows,
            Verdicts verdicts) {
        this.table = table;
        this.controllers = controllers;
        this.windows = windows;
        this.verdicts = verdicts;
        this.state = MultiGauge.builder("fader.rollout.state").description("1 for the rollout's current state")
                .register(registry);
        this.step = MultiGauge.builder("fader.rollout.step").description("the progressive rollout's step, from 1")
                .register(registry);
        this.evidence = MultiGauge.builder("fader.analysis.evidence")
                .description("each gate's evidence that the canary is worse than tolerated").register(registry);
        this.needed = MultiGauge.builder("fader.analysis.evidence.needed")
                .description("the evidence at which the gate fails (1 / its share of alpha)").register(registry);
        this.mismatch = MultiGauge.builder("fader.sample.ratio.mismatch")
                .description("1 while the split's users are not in the shares it was given").register(registry);
    }

    /** Rows for what the engine says now; rollouts and gates that are gone disappear. */
    void refresh() {
        RoutingTable t = table.get();
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        List<MultiGauge.Row<?>> steps = new ArrayList<>();
        List<MultiGauge.Row<?>> evidences = new ArrayList<>();
        List<MultiGauge.Row<?>> bars = new ArrayList<>();
        for (CompiledRollout r : t.rollouts()) {
            RolloutController c = controllers.get(r.name());
            String current = c == null ? "static" : c.state().phase().label();
            for (String s : STATES) {
                states.add(MultiGauge.Row.of(Tags.of("rollout", r.name(), "state", s), s.equals(current) ? 1 : 0));
            }
            if (c == null) {
                continue;
            }
            RolloutState s = c.state();
            steps.add(MultiGauge.Row.of(Tags.of("rollout", r.name()), s.step() + 1));
            for (Gate g : c.gates()) {
                Tags tags = Tags.of("rollout", r.name(), "gate", g.name());
                evidences.add(MultiGauge.Row.of(tags, Math.exp(Math.min(700, g.logEvidence()))));
                bars.add(MultiGauge.Row.of(tags, 1 / g.alpha()));
            }
        }
        List<MultiGauge.Row<?>> mismatches = new ArrayList<>();
        for (RolloutReport r : RolloutReport.of(t, windows, verdicts)) {
            mismatches.add(MultiGauge.Row.of(Tags.of("rollout", r.name()), r.sampleRatioMismatch() ? 1 : 0));
        }
        state.register(states, true);
        step.register(steps, true);
        evidence.register(evidences, true);
        needed.register(bars, true);
        mismatch.register(mismatches, true);
    }
}
