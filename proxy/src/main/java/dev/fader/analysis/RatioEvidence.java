package dev.fader.analysis;

/**
 * Anytime-valid evidence about the ratio of the canary's rate of a bad event to the baseline's, from
 * <em>which variant each bad event came from</em> (the conditioning of Lindon, Sanden and Shirikian's
 * sequential tests of rates): the baseline's rate itself never has to be estimated.
 *
 * <p>Model. Each randomly split request goes to the canary with the known probability {@code s} of the
 * split at that moment, and has a bad event with probability p_c (canary) or p_b (baseline),
 * independently. Given that a bad event happened, it came from the canary with probability
 * q(s, rho) = s rho / (s rho + 1 - s), where rho = p_c / p_b: a Bernoulli draw whose parameter depends
 * on the ratio alone.
 *
 * <p>Guarantee. Against the null rho &lt;= r ({@code ratio}), each alternative rho_j = r m_j (m_j &gt; 1
 * on a fixed grid) gives the product over events of q(s, rho_j)/q(s, r) for a canary event and
 * (1 - q(s, rho_j))/(1 - q(s, r)) for a baseline one; each factor has expectation at most 1 under any
 * rho &lt;= r, whatever the share was when the event happened, so each product, and their average, is a
 * nonnegative supermartingale. By Ville's inequality the chance that {@link #logWorse} ever reaches
 * log(1/alpha) is at most alpha, however often it is looked at and however the share moves between
 * steps. {@link #logWithin} is the mirror test (null rho &gt;= r, alternatives m_j &lt; 1) with the same
 * guarantee. Assumptions: random assignment at a known share, and bad events independent across
 * requests (a user who fails many times breaks this; the caller caps each user's weight).
 */
final class RatioEvidence {
    private static final double[] WORSE = {1.25, 1.5, 2, 3, 5, 10, 30};
    private static final double[] BETTER = {0.8, 0.67, 0.5, 0.33, 0.2, 0.1, 0.03};

    private final double ratio;
    private final double[] worse = new double[WORSE.length];
    private final double[] within = new double[BETTER.length];
    // log factors per canary and per baseline event at the last share seen: a share holds for a whole step
    private double share = Double.NaN;
    private final double[] worseCanary = new double[WORSE.length];
    private final double[] worseBaseline = new double[WORSE.length];
    private final double[] withinCanary = new double[BETTER.length];
    private final double[] withinBaseline = new double[BETTER.length];

    RatioEvidence(double ratio) {
        if (!(ratio > 0)) {
            throw new IllegalArgumentException("ratio " + ratio + " (expected: > 0)");
        }
        this.ratio = ratio;
    }

    /** Bad events seen while the canary's share of the split was {@code share} (0 &lt; share &lt; 1). */
    void add(long fromCanary, long fromBaseline, double share) {
        if (fromCanary == 0 && fromBaseline == 0) {
            return;
        }
        if (share != this.share) {
            this.share = share;
            factors(WORSE, share, worseCanary, worseBaseline);
            factors(BETTER, share, withinCanary, withinBaseline);
        }
        for (int j = 0; j < worse.length; j++) {
            worse[j] += fromCanary * worseCanary[j] + fromBaseline * worseBaseline[j];
            within[j] += fromCanary * withinCanary[j] + fromBaseline * withinBaseline[j];
        }
    }

    private void factors(double[] grid, double share, double[] canary, double[] baseline) {
        double q0 = q(share, ratio);
        for (int j = 0; j < grid.length; j++) {
            double q1 = q(share, ratio * grid[j]);
            canary[j] = Math.log(q1 / q0);
            baseline[j] = Math.log1p(-q1) - Math.log1p(-q0);
        }
    }

    private static double q(double share, double rho) {
        return share * rho / (share * rho + 1 - share);
    }

    /** log of the mixture's evidence that the canary's rate exceeds {@code ratio} x the baseline's. */
    double logWorse() {
        return logMean(worse);
    }

    /** log of the mixture's evidence that the canary's rate is below {@code ratio} x the baseline's. */
    double logWithin() {
        return logMean(within);
    }

    static double logMean(double[] logs) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logs) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum / logs.length);
    }
}
