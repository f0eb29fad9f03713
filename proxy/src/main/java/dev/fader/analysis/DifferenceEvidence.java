package dev.fader.analysis;

/**
 * Anytime-valid evidence about the difference p_c - p_b of the canary's and the baseline's rates of a
 * bad event, by betting on inverse-propensity weighted outcomes.
 *
 * <p>Model as in {@link RatioEvidence}: each randomly split request goes to the canary with the known
 * probability s. Its weighted outcome Z = x/s for a canary request, -x/(1-s) for a baseline one (x = 1
 * for a bad event) has mean exactly p_c - p_b, whatever s is, and lies in [-1/(1-s), 1/s].
 *
 * <p>Guarantee. Against the null p_c - p_b &lt;= d ({@code increase}), the wealth of each bettor j, the
 * product over requests of 1 + lambda_j (Z - d) with lambda_j = f_j / (1/(1-s) + d) (f_j in (0, 1) on a
 * fixed grid, so no factor is negative), has factors of expectation 1 + lambda_j (p_c - p_b - d) &lt;= 1:
 * each wealth and their average is a nonnegative supermartingale, and by Ville's inequality
 * {@link #logWorse} reaches log(1/alpha) with probability at most alpha, however often it is looked at.
 * {@link #logWithin} bets the other way (null p_c - p_b &gt;= d) with the same guarantee. The order of
 * requests within one {@link #add} does not matter: the factors commute and lambda depends only on s.
 */
final class DifferenceEvidence {
    private static final double[] FRACTIONS = {0.5, 0.25, 0.12, 0.06, 0.03, 0.015, 0.007, 0.003};

    private final double increase;
    private final double[] worse = new double[FRACTIONS.length];
    private final double[] within = new double[FRACTIONS.length];
    // log factors (canary event, baseline event, clean request) x (worse, within) at the last share seen
    private double share = Double.NaN;
    private final double[][] factors = new double[6][FRACTIONS.length];

    DifferenceEvidence(double increase) {
        if (!(increase >= 0 && increase < 1)) {
            throw new IllegalArgumentException("increase " + increase + " (expected: 0 <= increase < 1)");
        }
        this.increase = increase;
    }

    /**
     * Counts seen while the canary's share was {@code share}: bad events of each variant, and requests
     * without one (of either variant: their weighted outcome is 0 both ways).
     */
    void add(long canaryEvents, long baselineEvents, long clean, double share) {
        if (share != this.share) {
            this.share = share;
            factors(share);
        }
        double[][] f = factors;
        for (int j = 0; j < FRACTIONS.length; j++) {
            worse[j] += canaryEvents * f[0][j] + baselineEvents * f[1][j] + clean * f[2][j];
            within[j] += canaryEvents * f[3][j] + baselineEvents * f[4][j] + clean * f[5][j];
        }
    }

    private void factors(double share) {
        double d = increase;
        double zCanary = 1 / share - d;
        double zBaseline = -1 / (1 - share) - d;
        double zClean = -d;
        double upScale = 1 / (1 / (1 - share) + d); // keeps 1 + lambda (Z - d) >= 0 for the lowest Z
        double downScale = 1 / (1 / share - d); // keeps 1 - lambda (Z - d) >= 0 for the highest Z
        for (int j = 0; j < FRACTIONS.length; j++) {
            double up = FRACTIONS[j] * upScale;
            double down = FRACTIONS[j] * downScale;
            factors[0][j] = Math.log1p(up * zCanary);
            factors[1][j] = Math.log1p(up * zBaseline);
            factors[2][j] = Math.log1p(up * zClean);
            factors[3][j] = Math.log1p(-down * zCanary);
            factors[4][j] = Math.log1p(-down * zBaseline);
            factors[5][j] = Math.log1p(-down * zClean);
        }
    }

    /** log of the evidence that the canary's rate exceeds the baseline's by more than {@code increase}. */
    double logWorse() {
        return RatioEvidence.logMean(worse);
    }

    /** log of the evidence that the canary's rate exceeds the baseline's by less than {@code increase}. */
    double logWithin() {
        return RatioEvidence.logMean(within);
    }
}
