package dev.fader.analysis;

import dev.fader.feedback.Outcome;
import dev.fader.feedback.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decision engine for one variant against its rollout's baseline: counts the randomly split
 * traffic (the catch-all layer only) as it happens, and on each {@link #tick} hands what arrived since the
 * last one, with the variant's share of the split, to one {@link Comparison} per gate: errors, slow
 * answers (time to the response head; a client that gave up after the threshold counts as slow; left out
 * when {@code slowName} is null) and, when asked for, negative feedback. {@code alpha} is split evenly over the gates, so a variant within
 * tolerance is ever called degraded with probability at most alpha in all. Recording is lock-free;
 * ticks come from one thread.
 */
final class SplitJudge {
    private final String variant;
    private final String baseline;
    private final String splitLayer;
    private final long slowNanos;
    private final double ratio;
    private final double increase;
    private final double gateAlpha;
    private final String slowName;
    private final Comparison errors;
    private final Comparison slow;
    private final Comparison negative;
    private final Side mine = new Side();
    private final Side base = new Side();
    private final long[] fed = new long[10]; // what the comparisons already have (tick thread only)
    private volatile Set<Integer> erred = ConcurrentHashMap.newKeySet();
    private volatile Set<Integer> slowed = ConcurrentHashMap.newKeySet();
    private volatile List<Gate> gates = List.of();

    SplitJudge(String variant, String baseline, String splitLayer, long slowNanos, String slowName, double ratio,
            double increase, double alpha, boolean feedbackGate) {
        this.variant = variant;
        this.baseline = baseline;
        this.splitLayer = splitLayer;
        this.slowNanos = slowNanos;
        this.slowName = slowName;
        this.ratio = ratio;
        this.increase = increase;
        this.gateAlpha = alpha / (1 + (slowName == null ? 0 : 1) + (feedbackGate ? 1 : 0));
        this.errors = new Comparison(ratio, increase);
        this.slow = slowName == null ? null : new Comparison(ratio, increase);
        this.negative = feedbackGate ? new Comparison(ratio, increase) : null;
    }

    /** Counts an outcome of this variant or the baseline routed by the split layer; ignores the rest. */
    boolean record(Outcome o) {
        boolean isMine = o.variant().equals(variant);
        if (!isMine && !o.variant().equals(baseline) || !o.route().layer().equals(splitLayer)) {
            return false;
        }
        // A client that gave up after the slow threshold was kept waiting by the variant: slow, never an error.
        boolean abortedSlow = o.kind() == Outcome.Kind.CLIENT_ABORT && o.totalNanos() > slowNanos;
        if (!o.judgesVariant() && !abortedSlow) {
            return false;
        }
        Side s = isMine ? mine : base;
        s.requests.increment();
        boolean keyed = o.route().bucket() >= 0;
        if (o.kind().isError() && (!keyed || erred.add(o.route().keyHash()))) {
            s.errors.increment();
        }
        long responsiveness = o.firstByteNanos() >= 0 ? o.firstByteNanos() : o.totalNanos(); // not answer length
        if ((abortedSlow || (!o.route().fallback() && responsiveness > slowNanos))
                && (!keyed || slowed.add(o.route().keyHash()))) {
            s.slow.increment();
        }
        return true;
    }

    /** A new period: every user may count one bad event again. */
    void newPeriod() {
        erred = ConcurrentHashMap.newKeySet();
        slowed = ConcurrentHashMap.newKeySet();
    }

    void feedback(String of, boolean positive) {
        Side s = of.equals(variant) ? mine : of.equals(baseline) ? base : null;
        if (s != null) {
            (positive ? s.positive : s.negative).increment();
        }
    }

    /**
     * Feeds what arrived since the last tick, at {@code share} (the variant's share of the split now), and
     * judges every gate. A request routed at an earlier share that finishes after it changed is counted at
     * the new one; as steps only raise the share, a canary's bad event then looks less surprising than it
     * was, which errs toward not aborting.
     */
    List<Gate> tick(double share) {
        long[] now = {mine.requests.sum(), mine.errors.sum(), base.requests.sum(), base.errors.sum(), mine.slow.sum(),
            base.slow.sum(), mine.negative.sum() + mine.positive.sum(), mine.negative.sum(),
            base.negative.sum() + base.positive.sum(), base.negative.sum()};
        errors.add(now[0] - fed[0], now[1] - fed[1], now[2] - fed[2], now[3] - fed[3], share);
        if (slow != null) {
            slow.add(now[0] - fed[0], now[4] - fed[4], now[2] - fed[2], now[5] - fed[5], share);
        }
        if (negative != null) {
            negative.add(now[6] - fed[6], now[7] - fed[7], now[8] - fed[8], now[9] - fed[9], share);
        }
        System.arraycopy(now, 0, fed, 0, now.length);
        List<Gate> out = new ArrayList<>(3);
        out.add(Gate.of("errors", errors, ratio, increase, gateAlpha));
        if (slow != null) {
            out.add(Gate.of(slowName, slow, ratio, increase, gateAlpha));
        }
        if (negative != null) {
            out.add(Gate.of("negative-feedback", negative, ratio, increase, gateAlpha));
        }
        gates = List.copyOf(out);
        return gates;
    }

    List<Gate> gates() {
        return gates;
    }

    /**
     * One verdict from the gates as of the last tick: DEGRADED when a gate shows the variant beyond
     * tolerance; INSUFFICIENT_DATA while either side has fewer than {@code minRequests} judged requests;
     * HEALTHY when every gate shows it within tolerance; INCONCLUSIVE otherwise.
     */
    Verdict verdict(long minRequests) {
        List<Gate> g = gates;
        for (Gate gate : g) {
            if (gate.failed()) {
                return new Verdict(Verdict.Status.DEGRADED, Math.exp(Math.min(700, gate.logEvidence())), 1 / gate.alpha(),
                        gate.describe());
            }
        }
        if (g.isEmpty() || g.get(0).canaryTrials() < minRequests || g.get(0).baselineTrials() < minRequests) {
            long nc = g.isEmpty() ? 0 : g.get(0).canaryTrials();
            long nb = g.isEmpty() ? 0 : g.get(0).baselineTrials();
            return new Verdict(Verdict.Status.INSUFFICIENT_DATA, Double.NaN, Double.NaN, String.format(
                    "%d and %d randomly split requests so far (needs %d each)", nc, nb, minRequests));
        }
        double weakestWithin = Double.POSITIVE_INFINITY;
        double strongestWorse = Double.NEGATIVE_INFINITY;
        boolean allWithin = true;
        StringBuilder why = new StringBuilder();
        for (Gate gate : g) {
            allWithin &= gate.within();
            weakestWithin = Math.min(weakestWithin, gate.logEvidenceWithin());
            strongestWorse = Math.max(strongestWorse, gate.logEvidence());
            why.append(why.length() == 0 ? "" : "; ").append(allWithin ? gate.describeWithin() : gate.describe());
        }
        if (allWithin) {
            return new Verdict(Verdict.Status.HEALTHY, Math.exp(Math.min(700, weakestWithin)), 2 / g.get(0).alpha(),
                    "shown within tolerance: " + why);
        }
        // Not shown either way: the evidence shown is the one that would abort it, against its bar.
        return new Verdict(Verdict.Status.INCONCLUSIVE, Math.exp(Math.min(700, strongestWorse)), 1 / g.get(0).alpha(),
                "neither shown yet: " + why);
    }

    private static final class Side {
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder slow = new LongAdder();
        final LongAdder positive = new LongAdder();
        final LongAdder negative = new LongAdder();
    }
}
