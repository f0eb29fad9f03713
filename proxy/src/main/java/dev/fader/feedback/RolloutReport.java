package dev.fader.feedback;

import dev.fader.routing.CompiledLayer;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator wants to know about one rollout over the current window: each variant's numbers
 * and its verdict from the decision engine, the layers' shares, and the sample-ratio check of each split layer.
 */
public record RolloutReport(String name, String baseline, List<Layer> layers, List<Variant> variants,
        List<SampleRatio> sampleRatios) {

    /** A layer's test and shares in basis points, the baseline's included. */
    public record Layer(String name, String test, Map<String, Integer> shares) {
    }

    public record Variant(String name, String upstream, WindowSnapshot window, Verdict verdict) {
    }

    /** Every rollout of {@code table}: its numbers over the window, its verdicts from {@code verdicts}. */
    public static List<RolloutReport> of(RoutingTable table, FeedbackWindows windows, Verdicts verdicts) {
        List<RolloutReport> out = new ArrayList<>();
        for (CompiledRollout r : table.rollouts()) {
            out.add(of(r, windows, verdicts));
        }
        return out;
    }

    static RolloutReport of(CompiledRollout r, FeedbackWindows windows, Verdicts verdicts) {
        WindowSnapshot base = windows.snapshot(r.name(), r.baseline());
        List<Variant> variants = new ArrayList<>();
        for (Map.Entry<String, String> v : r.variants().entrySet()) {
            WindowSnapshot w = v.getKey().equals(r.baseline()) ? base : windows.snapshot(r.name(), v.getKey());
            Verdict verdict = v.getKey().equals(r.baseline()) ? Verdict.baseline() : verdicts.of(r.name(), v.getKey());
            variants.add(new Variant(v.getKey(), v.getValue(), w, verdict));
        }
        List<Layer> layers = new ArrayList<>();
        List<SampleRatio> ratios = new ArrayList<>();
        for (CompiledLayer l : r.layers()) {
            Map<String, Integer> shares = new LinkedHashMap<>();
            if (!l.isForce()) {
                for (String v : r.variants().keySet()) {
                    shares.put(v, l.shareOf(v));
                }
                Map<String, Long> users = windows.distinctUsers(r.name(), l.name());
                if (!users.isEmpty()) {
                    ratios.add(SampleRatio.test(l.name(), users, shares));
                }
            }
            layers.add(new Layer(l.name(), l.describeTest(), shares));
        }
        return new RolloutReport(r.name(), r.baseline(), layers, variants, ratios);
    }

    public boolean sampleRatioMismatch() {
        return sampleRatios.stream().anyMatch(SampleRatio::mismatch);
    }

    /** One line for the feedback log: each variant's numbers over the window, then the verdicts. */
    public String logLine(String window) {
        StringBuilder b = new StringBuilder("rollout=").append(name).append(" window=").append(window);
        for (Variant v : variants) {
            WindowSnapshot w = v.window();
            b.append(" | ").append(v.name()).append(": requests=").append(w.requests())
                    .append(String.format(" errors=%.2f%% p50=%.1fms p99=%.1fms", 100 * w.errorRate(), w.p50Millis(),
                            w.p99Millis()));
            if (w.fallbacks() > 0) {
                b.append(" fallbacks=").append(w.fallbacks()); // served by the baseline: its pool could not
            }
            if (w.positive() + w.negative() > 0) {
                b.append(" feedback=+").append(w.positive()).append("/-").append(w.negative());
            }
            if (v.verdict().status() != Verdict.Status.BASELINE) {
                b.append(" verdict=").append(v.verdict().status());
                if (!Double.isNaN(v.verdict().evidence())) {
                    b.append(String.format(" (evidence %.3g of %.3g)", v.verdict().evidence(), v.verdict().needed()));
                }
            }
        }
        if (sampleRatioMismatch()) {
            b.append(" | SAMPLE RATIO MISMATCH: users per variant do not match the split; check the user key");
        }
        return b.toString();
    }
}
