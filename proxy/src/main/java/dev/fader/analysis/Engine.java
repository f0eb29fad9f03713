package dev.fader.analysis;

import dev.fader.config.FeedbackSettings;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.feedback.Verdict;
import dev.fader.feedback.Verdicts;
import dev.fader.routing.CompiledLayer;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import java.util.HashMap;
import java.util.Map;

/**
 * The one decision engine behind every verdict: {@code /status}, the feedback log and the demo read it,
 * the progressive gates are it. A progressive rollout's canary is judged by its controller's
 * {@link SplitJudge} (the same gates that promote or abort it); every other variant of a catch-all split
 * by a {@link SplitJudge} of its own on errors, tolerated up to max({@code feedback.tolerance} x the
 * baseline's, the baseline's + {@link #STATIC_INCREASE}), at {@code feedback.alpha}: the additive margin
 * is what lets two variants that hardly ever fail be shown within tolerance at all. Variants reached only by force, allow-list or segment layers
 * are shown but never judged: that traffic was not split at random.
 */
public final class Engine implements OutcomeSink, Verdicts {
    /** The additive margin of static splits: progressive delivery's default {@code max-error-increase}. */
    static final double STATIC_INCREASE = 0.005;

    private final Controllers controllers;
    private final FeedbackSettings settings;
    private volatile RoutingTable table;
    private volatile Map<String, Map<String, SplitJudge>> judges = Map.of();
    /** The same judges as arrays, for {@link #record}: walking a map's values costs an iterator per request. */
    private volatile Map<String, SplitJudge[]> judgeArrays = Map.of();
    private long ticks;

    public Engine(Controllers controllers, FeedbackSettings settings, RoutingTable initial) {
        this.controllers = controllers;
        this.settings = settings;
        follow(initial);
    }

    /** A new routing snapshot: variants that appeared in a catch-all split get a judge; the others keep theirs. */
    public synchronized void follow(RoutingTable next) {
        Map<String, Map<String, SplitJudge>> before = judges;
        Map<String, Map<String, SplitJudge>> after = new HashMap<>();
        for (CompiledRollout r : next.rollouts()) {
            if (r.config().progressive() != null) {
                continue; // its controller judges it
            }
            String layer = RolloutController.splitLayer(r.config());
            CompiledLayer split = r.layers().stream().filter(l -> l.name().equals(layer)).findFirst().orElse(null);
            Map<String, SplitJudge> mine = new HashMap<>();
            for (String v : r.variants().keySet()) {
                SplitJudge kept = before.getOrDefault(r.name(), Map.of()).get(v);
                if (v.equals(r.baseline()) || (kept == null && (split == null || split.shareOf(v) == 0))) {
                    continue; // only what the split gives away at random is judged
                }
                mine.put(v, kept != null ? kept : new SplitJudge(v, r.baseline(), layer,
                        SplitJudge.Signals.errorsOnly(), settings.tolerance(), STATIC_INCREASE, settings.alpha()));
            }
            after.put(r.name(), Map.copyOf(mine));
        }
        judges = Map.copyOf(after);
        Map<String, SplitJudge[]> arrays = new HashMap<>();
        judges.forEach((rollout, byVariant) -> arrays.put(rollout, byVariant.values().toArray(new SplitJudge[0])));
        judgeArrays = Map.copyOf(arrays);
        table = next;
    }

    @Override
    public void record(Outcome o) {
        SplitJudge[] mine = judgeArrays.get(o.rollout());
        if (mine != null) {
            for (SplitJudge j : mine) {
                j.record(o);
            }
        }
    }

    public void feedback(Feedback f) {
        Map<String, SplitJudge> mine = judges.get(f.rollout());
        if (mine != null) {
            mine.values().forEach(j -> j.feedback(f.variant(), f.layer(), f.keyed(), f.keyHash(), f.positive()));
        }
    }

    /** Feeds every static judge what arrived since the last tick, at its variant's share of the split now. */
    public synchronized void tick() {
        RoutingTable t = table;
        boolean newPeriod = ++ticks % Math.max(1, settings.window().toSeconds()) == 0; // users count again each window
        judges.forEach((rollout, byVariant) -> {
            CompiledRollout r = t.rollout(rollout);
            CompiledLayer split = r == null ? null : r.layers().stream()
                    .filter(l -> l.name().equals(RolloutController.splitLayer(r.config()))).findFirst().orElse(null);
            byVariant.forEach((variant, j) -> {
                j.tick(split == null ? 0 : split.shareOf(variant) / 10_000.0);
                if (newPeriod) {
                    j.newPeriod();
                }
            });
        });
    }

    @Override
    public Verdict of(String rollout, String variant) {
        CompiledRollout r = table.rollout(rollout);
        if (r != null && variant.equals(r.baseline())) {
            return Verdict.baseline();
        }
        RolloutController c = controllers.get(rollout);
        if (c != null && variant.equals(c.canary())) {
            return c.verdict();
        }
        SplitJudge j = judges.getOrDefault(rollout, Map.of()).get(variant);
        if (j == null) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, Double.NaN, Double.NaN,
                    "not in a random split: shown, never judged");
        }
        return j.verdict(settings.minRequests());
    }
}
