package dev.fader.feedback;

/**
 * A sliding window's counts merged over its live buckets. {@code kinds} is indexed by
 * {@link Outcome.Kind#ordinal()}; {@code latency} holds {@link LatencyHistogram} counts; {@code fallbacks}
 * counts the requests the baseline's pool served for this variant; {@code model} is what its model
 * answered, null when no answer was read in the window.
 */
public record WindowSnapshot(long[] kinds, long[] latency, long fallbacks, long positive, long negative,
        double scoreSum, long scoreCount, ModelWindow model) {

    public static WindowSnapshot empty() {
        return new WindowSnapshot(new long[Outcome.Kind.values().length], new long[LatencyHistogram.SIZE], 0, 0, 0, 0,
                0, null);
    }

    /**
     * Requests the variant's own upstream answered or failed (connect errors included). Client aborts are
     * left out, never blamed on it, and so are requests its pool could not take at all (outcomes
     * {@code fallback}, {@code unavailable}): ejecting an endpoint must not change the rate it is judged by.
     */
    public long requests() {
        long n = 0;
        for (Outcome.Kind k : Outcome.Kind.values()) {
            if (k.judgesVariant()) {
                n += kinds[k.ordinal()];
            }
        }
        return n;
    }

    /** 5xx, connect errors, timeouts and resets. */
    public long errors() {
        long n = 0;
        for (Outcome.Kind k : Outcome.Kind.values()) {
            if (k.isError()) {
                n += kinds[k.ordinal()];
            }
        }
        return n;
    }

    public long count(Outcome.Kind kind) {
        return kinds[kind.ordinal()];
    }

    public double errorRate() {
        long n = requests();
        return n == 0 ? 0 : (double) errors() / n;
    }

    public double p50Millis() {
        return LatencyHistogram.quantileMillis(latency, 0.50);
    }

    public double p99Millis() {
        return LatencyHistogram.quantileMillis(latency, 0.99);
    }

    public long slowerThan(long micros) {
        return LatencyHistogram.countAbove(latency, micros);
    }
}
