package dev.fader.feedback;

/**
 * Exact binomial quantiles and tails, summed in log space outward from the mode so that large n
 * (a million simulated users) neither underflows nor costs more than a few standard deviations of work.
 */
public final class Binomial {
    private Binomial() {
    }

    /** The central interval [lo, hi] of Binomial(n, p) that holds at least {@code confidence} of its mass. */
    public static long[] interval(long n, double p, double confidence) {
        double tail = (1 - confidence) / 2;
        return new long[] {quantile(n, p, tail), quantile(n, p, 1 - tail)};
    }

    /** The smallest k with P(X <= k) >= q. */
    public static long quantile(long n, double p, double q) {
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return n;
        }
        long k = 0;
        double cdf = 0;
        Walk w = new Walk(n, p);
        for (k = w.lo; k <= w.hi; k++) {
            cdf += w.pmf(k);
            if (cdf >= q * w.total - 1e-15) {
                return k;
            }
        }
        return w.hi;
    }

    /** P(X >= k) for X ~ Binomial(n, p): the upper-tail p-value of observing k or more. */
    public static double upperTail(long n, double p, long k) {
        if (k <= 0) {
            return 1;
        }
        if (k > n || p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        Walk w = new Walk(n, p);
        if (k > w.hi) {
            return 0; // more than 12 standard deviations out: below double precision of the total
        }
        double s = 0;
        for (long j = Math.max(k, w.lo); j <= w.hi; j++) {
            s += w.pmf(j);
        }
        return Math.min(1, s / w.total);
    }

    static double logPmf(long n, double p, long k) {
        return logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
    }

    static double logChoose(long n, long k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    /** ln(n!) exactly for small n, by Stirling's series beyond (error below 1e-12). */
    static double logFactorial(long n) {
        if (n < 2) {
            return 0;
        }
        if (n < 64) {
            double s = 0;
            for (long i = 2; i <= n; i++) {
                s += Math.log(i);
            }
            return s;
        }
        double x = n;
        return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }

    /** The range of k around the mode that carries all but a negligible share of the mass. */
    private static final class Walk {
        final long n;
        final double p;
        final long lo;
        final long hi;
        final double logMode;
        final double total;

        Walk(long n, double p) {
            this.n = n;
            this.p = p;
            long mode = Math.min(n, (long) Math.floor((n + 1) * p));
            this.logMode = logPmf(n, p, mode);
            double sd = Math.sqrt(n * p * (1 - p));
            long span = (long) Math.ceil(12 * sd + 20);
            this.lo = Math.max(0, mode - span);
            this.hi = Math.min(n, mode + span);
            double t = 0;
            for (long k = lo; k <= hi; k++) {
                t += pmf(k);
            }
            this.total = t;
        }

        /** pmf scaled by the mode's pmf, so values stay near 1 and never underflow near the mode. */
        double pmf(long k) {
            return Math.exp(logPmf(n, p, k) - logMode);
        }
    }
}
