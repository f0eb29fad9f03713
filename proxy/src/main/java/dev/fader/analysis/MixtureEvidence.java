package dev.fader.analysis;

/**
 * An anytime-valid test that a Bernoulli rate (the canary's error or slow rate) exceeds a tolerated
 * rate theta, however often it is checked.
 *
 * <p>For each alternative p_j = min(0.99, theta * m_j) of a fixed grid, the likelihood ratio
 * (p_j/theta)^k ((1-p_j)/(1-theta))^(n-k) is a nonnegative supermartingale under any true rate at most
 * theta (one factor per trial, each with expectation at most 1 since p_j > theta); their average, the
 * mixture, is one too. By Ville's inequality the chance that it ever reaches 1/alpha is at most alpha:
 * a false alarm bound that holds even when the test runs after every request. The grid spreads power
 * from small (1.25x) to large (20x) excesses at the cost of log(7) in evidence.
 */
public final class MixtureEvidence {
    private static final double[] MULTIPLIERS = {1.25, 1.5, 2, 3, 5, 10, 20};

    private MixtureEvidence() {
    }

    /** The mixture likelihood ratio's logarithm after {@code k} events in {@code n} trials against {@code theta}. */
    public static double logEvidence(long n, long k, double theta) {
        if (n == 0) {
            return 0;
        }
        double t = Math.min(Math.max(theta, 1e-6), 0.98);
        double max = Double.NEGATIVE_INFINITY;
        double[] logs = new double[MULTIPLIERS.length];
        for (int j = 0; j < MULTIPLIERS.length; j++) {
            double p = Math.min(0.99, t * MULTIPLIERS[j]);
            logs[j] = p <= t ? 0 : k * Math.log(p / t) + (n - k) * Math.log((1 - p) / (1 - t));
            max = Math.max(max, logs[j]);
        }
        double sum = 0;
        for (double l : logs) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum / MULTIPLIERS.length);
    }

    /** True when the evidence reaches Ville's bound 1/alpha: the rate exceeds theta. */
    public static boolean rejects(long n, long k, double theta, double alpha) {
        return logEvidence(n, k, theta) >= Math.log(1 / alpha);
    }
}
