package dev.fader.analysis;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Anytime-valid evidence about the ratio of the canary's mean output tokens per answer to the baseline's
 * ({@code max-token-ratio}): a test by betting on inverse-propensity weighted answers.
 *
 * <p>Model. Each randomly split answer came from the canary with a probability p known when it was routed
 * (the canary's share then) and has x = min(tokens, cap) / cap in [0, 1]. With Z = 1 for a
 * canary answer, g = Z x / p - r (1 - Z) x / (1 - p) has expectation mu_c - r mu_b (the capped means).
 *
 * <p>Guarantee. Against the null mu_c &lt;= r mu_b ({@code ratio} r), each wager c_j on a fixed grid
 * multiplies its wealth by 1 + c_j (1 - p) / r * g: by 1 + c_j (1 - p) x / (r p) for a canary answer and
 * by 1 - c_j x for a baseline one. The stake depends only on p, fixed before the answer is drawn, and
 * keeps every factor positive, so under the null each factor has expectation at most 1 and each wealth,
 * and their average, is a nonnegative supermartingale: by Ville's inequality the chance that
 * {@link #logWorse} ever reaches log(1/alpha) is at most alpha, however often it is read and however the
 * share moves. {@link #logWithin} is the mirror (null mu_c &gt;= r mu_b, stakes c_j p on -g: 1 - c_j x
 * for a canary answer, 1 + c_j p r x / (1 - p) for a baseline one). Assumptions: answers independent
 * given their side (a user who writes many answers correlates them; many users make it close), and the
 * cap: means are compared up to it, so answers longer than {@code cap} tokens count as cap. The smaller
 * the cap the bolder the wagers can be (power grows with x), so it should sit just above the usual longest
 * answers ({@code token-cap}, 4,096 by default).
 */
final class MeanRatioEvidence {
    private static final double[] STAKES = {0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9};

    private final double ratio;
    private final double cap;
    private final DoubleAdder[] worse = adders();
    private final DoubleAdder[] within = adders();
    private final LongAdder[] answers = {new LongAdder(), new LongAdder()};
    private final DoubleAdder[] tokens = {new DoubleAdder(), new DoubleAdder()};

    MeanRatioEvidence(double ratio, int cap) {
        if (!(ratio > 0) || cap < 1) {
            throw new IllegalArgumentException("ratio " + ratio + ", cap " + cap + " (expected: > 0 and >= 1)");
        }
        this.ratio = ratio;
        this.cap = cap;
    }

    private static DoubleAdder[] adders() {
        DoubleAdder[] a = new DoubleAdder[STAKES.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new DoubleAdder();
        }
        return a;
    }

    /** One answer of {@code outputTokens}; {@code p}: the canary's chance when it was routed (0 &lt; p &lt; 1). */
    void add(boolean canary, long outputTokens, double p) {
        if (!(p > 0 && p < 1)) {
            return; // all on one side: nothing to compare
        }
        double x = Math.min(outputTokens, cap) / cap;
        int side = canary ? 0 : 1;
        answers[side].increment();
        tokens[side].add(outputTokens);
        for (int j = 0; j < STAKES.length; j++) {
            double c = STAKES[j];
            if (canary) {
                worse[j].add(Math.log1p(c * (1 - p) * x / (ratio * p)));
                within[j].add(Math.log1p(-c * x));
            } else {
                worse[j].add(Math.log1p(-c * x));
                within[j].add(Math.log1p(c * p * ratio * x / (1 - p)));
            }
        }
    }

    /** log of the evidence that the canary's mean exceeds {@code ratio} x the baseline's. */
    double logWorse() {
        return logMean(worse);
    }

    /** log of the evidence that the canary's mean is below {@code ratio} x the baseline's. */
    double logWithin() {
        return logMean(within);
    }

    long answers(boolean canary) {
        return answers[canary ? 0 : 1].sum();
    }

    double meanTokens(boolean canary) {
        long n = answers(canary);
        return n == 0 ? 0 : tokens[canary ? 0 : 1].sum() / n;
    }

    /** Per-stake log wealth against the null (worse), its mirror (within), answers and tokens per side. */
    double[][] sums() {
        return new double[][] {values(worse), values(within), {answers[0].sum(), answers[1].sum()},
                {tokens[0].sum(), tokens[1].sum()}};
    }

    private static double[] values(DoubleAdder[] a) {
        double[] v = new double[a.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = a[i].sum();
        }
        return v;
    }

    private static double logMean(DoubleAdder[] logs) {
        double[] l = new double[logs.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = logs[i].sum();
        }
        return RatioEvidence.logMean(l);
    }
}
