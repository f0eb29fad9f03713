package dev.fader.feedback;

/**
 * Judges a canary's error count against the baseline's with a conditional binomial test.
 *
 * <p>Given E errors in the window between canary (n_c requests) and baseline (n_b), and the null
 * hypothesis "the canary's error rate is at most {@code tolerance} times the baseline's", the canary's
 * share of the errors is at most Binomial(E, t n_c / (t n_c + n_b)). The p-value is P(X >= e_c) at that
 * boundary; below {@code alpha} the canary is DEGRADED. The test needs no estimate of the common error
 * rate (it is conditioned away), so it stays exact at low error counts where a z-test misleads, and the
 * tolerance keeps a trivially higher rate at high volume from being called a regression. Until both
 * variants have {@code minRequests} the verdict is INSUFFICIENT_DATA, never HEALTHY.
 */
public final class CanaryJudge {
    private final long minRequests;
    private final double tolerance;
    private final double alpha;

    public CanaryJudge(long minRequests, double tolerance, double alpha) {
        this.minRequests = minRequests;
        this.tolerance = tolerance;
        this.alpha = alpha;
    }

    public Verdict judge(WindowSnapshot canary, WindowSnapshot baseline) {
        return judge(canary.requests(), canary.errors(), baseline.requests(), baseline.errors());
    }

    public Verdict judge(long canaryRequests, long canaryErrors, long baselineRequests, long baselineErrors) {
        if (canaryRequests < minRequests || baselineRequests < minRequests) {
            return new Verdict(Verdict.Status.INSUFFICIENT_DATA, Double.NaN, "needs " + minRequests
                    + " requests on each side (canary " + canaryRequests + ", baseline " + baselineRequests + ")");
        }
        long errors = canaryErrors + baselineErrors;
        if (errors == 0) {
            return new Verdict(Verdict.Status.HEALTHY, 1.0, "no errors on either side");
        }
        double share = tolerance * canaryRequests / (tolerance * canaryRequests + baselineRequests);
        double p = Binomial.upperTail(errors, share, canaryErrors);
        String detail = String.format("canary has %d of %d errors; at most %.1f expected if its rate were %.2fx the baseline's (p=%.2g)",
                canaryErrors, errors, errors * share, tolerance, p);
        return new Verdict(p < alpha ? Verdict.Status.DEGRADED : Verdict.Status.HEALTHY, p, detail);
    }
}
