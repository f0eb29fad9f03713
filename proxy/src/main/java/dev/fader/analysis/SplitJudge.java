package dev.fader.analysis;

import dev.fader.config.Durations;
import dev.fader.config.ProgressiveConfig;
import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelAnswer;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decision engine for one variant against its rollout's baseline: counts the randomly split
 * traffic (the catch-all layer only) as it happens, and on each {@link #tick} hands what arrived since the
 * last one, with the variant's share of the split, to one {@link Comparison} per gate ({@link GateCounts}):
 * <ul>
 * <li>errors; slow answers (time to the response head; a client that gave up after the threshold counts
 * as slow; left out when {@link Signals#slowName} is null);
 * <li>for models ({@code observe: openai}): slow first tokens (TTFT above the threshold, or no token yet
 * when the answer ended or the client gave up after it) and bad finishes (answers ending with a listed
 * reason), over the answers read;
 * <li>negative feedback, over the feedback given;
 * <li>mean output tokens per answer ({@code max-token-ratio}), by {@link MeanRatioEvidence}.
 * </ul>
 * {@code alpha} is split evenly over the gates, so a variant within tolerance on every gate is ever called
 * degraded with probability at most alpha in all. Each user counts at most one bad event per gate and
 * period. Recording is lock-free; ticks come from one thread.
 */
final class SplitJudge {
    /**
     * Which gates to run: {@code ttftNanos} -1, an empty {@code badFinish} and a {@code maxTokenRatio} of 0
     * leave the model gates out.
     */
    record Signals(long slowNanos, String slowName, long ttftNanos, Set<FinishReason> badFinish, double maxTokenRatio,
            int tokenCap, boolean feedback) {
        static Signals errorsOnly() {
            return new Signals(Long.MAX_VALUE, null, -1, Set.of(), 0, 1, false);
        }

        static Signals of(ProgressiveConfig p) {
            ProgressiveConfig.ModelGates m = p.model();
            Set<FinishReason> bad = EnumSet.noneOf(FinishReason.class);
            m.badFinish().forEach(label -> bad.add(FinishReason.ofLabel(label)));
            return new Signals(p.slowThreshold().toNanos(), "slow>" + Durations.format(p.slowThreshold()),
                    m.ttftThreshold() == null ? -1 : m.ttftThreshold().toNanos(), bad, m.maxTokenRatio(), m.tokenCap(),
                    p.feedbackGate());
        }
    }

    private final String variant;
    private final String baseline;
    private final String splitLayer;
    private final Signals signals;
    private final double ratio;
    private final double increase;
    private final double gateAlpha;
    private final GateCounts errors;
    private final GateCounts slow;
    private final GateCounts ttft;
    private final GateCounts badFinish;
    private final GateCounts negative;
    private final MeanRatioEvidence tokens;
    private final List<GateCounts> all = new ArrayList<>();
    private volatile List<Gate> gates = List.of();

    SplitJudge(String variant, String baseline, String splitLayer, Signals signals, double ratio, double increase,
            double alpha) {
        this.variant = variant;
        this.baseline = baseline;
        this.splitLayer = splitLayer;
        this.signals = signals;
        this.ratio = ratio;
        this.increase = increase;
        this.errors = add("errors");
        this.slow = signals.slowName() == null ? null : add(signals.slowName());
        this.ttft = signals.ttftNanos() < 0 ? null : add("ttft>" + Durations.format(Duration.ofNanos(signals.ttftNanos())));
        this.badFinish = signals.badFinish().isEmpty() ? null : add("bad-finish" + labels(signals.badFinish()));
        this.negative = signals.feedback() ? add("negative-feedback") : null;
        this.tokens = signals.maxTokenRatio() > 0 ? new MeanRatioEvidence(signals.maxTokenRatio(), signals.tokenCap()) : null;
        this.gateAlpha = alpha / (all.size() + (tokens == null ? 0 : 1));
    }

    private GateCounts add(String name) {
        GateCounts g = new GateCounts(name, ratio, increase);
        all.add(g);
        return g;
    }

    private static String labels(Set<FinishReason> reasons) {
        return reasons.stream().sorted().map(FinishReason::label).toList().toString().replace(" ", "");
    }

    /** Counts an outcome of this variant or the baseline routed by the split layer; ignores the rest. */
    boolean record(Outcome o) {
        boolean isMine = o.variant().equals(variant);
        if (!isMine && !o.variant().equals(baseline) || !o.route().layer().equals(splitLayer)) {
            return false;
        }
        boolean keyed = o.route().bucket() >= 0;
        int key = o.route().keyHash();
        boolean aborted = o.kind() == Outcome.Kind.CLIENT_ABORT;
        // A fallback's answer came from the baseline's model: it says nothing of this variant's.
        ModelAnswer a = o.route().fallback() || o.answer() == null || !o.answer().read() ? null : o.answer();
        if (ttft != null) {
            long t = a == null ? -1 : a.ttftNanos();
            boolean waitedInVain = t < 0 && o.totalNanos() > signals.ttftNanos() && (a != null || aborted);
            if ((a != null && o.judgesVariant()) || waitedInVain) {
                ttft.count(isMine, t > signals.ttftNanos() || waitedInVain, keyed, key);
            }
        }
        if (badFinish != null && a != null && o.judgesVariant()) {
            badFinish.count(isMine, signals.badFinish().contains(a.finish()), keyed, key);
        }
        if (tokens != null && a != null && o.judgesVariant() && o.route().share() >= 0) {
            // The split holds the canary and the baseline alone (checked when the file is read).
            double own = o.route().share() / 10_000.0;
            tokens.add(isMine, a.outputTokens(), isMine ? own : 1 - own);
        }
        // A client that gave up after the slow threshold was kept waiting by the variant: slow, never an error.
        boolean abortedSlow = aborted && o.totalNanos() > signals.slowNanos();
        if (!o.judgesVariant() && !abortedSlow) {
            return false;
        }
        errors.count(isMine, o.kind().isError(), keyed, key);
        if (slow != null) {
            long responsiveness = o.firstByteNanos() >= 0 ? o.firstByteNanos() : o.totalNanos(); // not answer length
            slow.count(isMine, abortedSlow || (!o.route().fallback() && responsiveness > signals.slowNanos()), keyed, key);
        }
        return true;
    }

    /** A new period: every user may count one bad event again. */
    void newPeriod() {
        all.forEach(GateCounts::newPeriod);
    }

    /** Feedback on an answer of {@code of}, given in {@code layer} by the user with {@code keyHash} (when keyed). */
    void feedback(String of, String layer, boolean keyed, int keyHash, boolean positive) {
        boolean isMine = of.equals(variant);
        if (negative != null && (isMine || of.equals(baseline)) && layer.equals(splitLayer)) {
            negative.count(isMine, !positive, keyed, keyHash);
        }
    }

    /**
     * Feeds what arrived since the last tick, at {@code share} (the variant's share of the split now), and
     * judges every gate. A request routed at an earlier share that finishes after it changed is counted at
     * the new one; as steps only raise the share, a canary's bad event then looks less surprising than it
     * was, which errs toward not aborting.
     */
    List<Gate> tick(double share) {
        List<Gate> out = new ArrayList<>(all.size());
        for (GateCounts g : all) {
            out.add(g.tick(share, ratio, increase, gateAlpha));
        }
        if (tokens != null) {
            out.add(tokenGate(tokens.answers(true), tokens.answers(false), tokens.meanTokens(true),
                    tokens.meanTokens(false), tokens.logWorse(), tokens.logWithin()));
        }
        gates = List.copyOf(out);
        return gates;
    }

    private Gate tokenGate(long canaryAnswers, long baselineAnswers, double canaryMean, double baselineMean,
            double logWorse, double logWithin) {
        return new Gate("output-tokens", canaryAnswers, baselineAnswers, String.format(
                "canary %.1f tokens per answer over %d answers vs baseline %.1f over %d, tolerated %.3gx",
                canaryMean, canaryAnswers, baselineMean, baselineAnswers, signals.maxTokenRatio()), logWorse, logWithin,
                gateAlpha, logWorse >= Math.log(1 / gateAlpha), logWithin >= Math.log(2 / gateAlpha));
    }

    List<Gate> gates() {
        return gates;
    }

    /** Everything this judge counted so far; an earlier snapshot subtracted gives what came between. */
    Tallies totals() {
        Map<String, long[]> g = new LinkedHashMap<>();
        for (GateCounts c : all) {
            g.put(c.name, c.totals());
        }
        if (tokens == null) {
            return new Tallies(g, new double[0], new double[0], new long[2], new double[2]);
        }
        double[][] t = tokens.sums();
        return new Tallies(g, t[0], t[1], new long[] {(long) t[2][0], (long) t[2][1]}, t[3]);
    }

    /**
     * The gates judged from {@code periods} alone (a fleet's summed counts) exactly as {@link #tick} judges
     * this instance's own: every period fed at its own share, in order. The comparisons are linear in the
     * counts of one share and the token test's log wealth is a sum, so the result is what one instance
     * would have shown had it seen all the traffic, and its guarantee is theirs.
     */
    List<Gate> judge(List<Tallies.Period> periods) {
        List<Gate> out = new ArrayList<>(all.size() + 1);
        for (GateCounts g : all) {
            Comparison c = new Comparison(ratio, increase);
            for (Tallies.Period p : periods) {
                long[] n = p.tallies().gates().get(g.name);
                if (n != null) {
                    c.add(n[0], n[1], n[2], n[3], p.shareBasisPoints() / 10_000.0);
                }
            }
            out.add(Gate.of(g.name, c, ratio, increase, gateAlpha));
        }
        if (tokens != null) {
            Tallies sum = Tallies.NONE;
            for (Tallies.Period p : periods) {
                sum = sum.plus(p.tallies());
            }
            long[] n = sum.answers();
            out.add(tokenGate(n[0], n[1], n[0] == 0 ? 0 : sum.tokens()[0] / n[0], n[1] == 0 ? 0 : sum.tokens()[1] / n[1],
                    sum.tokenWorse().length == 0 ? 0 : RatioEvidence.logMean(sum.tokenWorse()),
                    sum.tokenWithin().length == 0 ? 0 : RatioEvidence.logMean(sum.tokenWithin())));
        }
        return List.copyOf(out);
    }

    /**
     * One verdict from the gates as of the last tick: DEGRADED when a gate shows the variant beyond
     * tolerance; INSUFFICIENT_DATA while either side has fewer than {@code minRequests} judged requests;
     * HEALTHY when every gate shows it within tolerance; INCONCLUSIVE otherwise.
     */
    Verdict verdict(long minRequests) {
        return verdict(gates, minRequests);
    }

    /** The verdict that {@code g} supports, as {@link #verdict(long)} gives it for this judge's own gates. */
    static Verdict verdict(List<Gate> g, long minRequests) {
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
}
