package dev.fader.feedback;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free, mergeable latency histogram in microseconds: exact below 16 us, then 8 log-linear
 * sub-buckets per power of two (at most 12.5% relative error), up to about 18 minutes.
 */
public final class LatencyHistogram {
    public static final int SIZE = 16 + 27 * 8;
    private final AtomicLongArray counts = new AtomicLongArray(SIZE);

    public void record(long nanos) {
        counts.incrementAndGet(index(Math.max(0, nanos / 1000)));
    }

    /** Adds this histogram's counts to {@code into} (length {@link #SIZE}). */
    public void addTo(long[] into) {
        for (int i = 0; i < SIZE; i++) {
            into[i] += counts.get(i);
        }
    }

    static int index(long micros) {
        if (micros < 16) {
            return (int) micros;
        }
        int e = 63 - Long.numberOfLeadingZeros(micros);
        if (e > 30) {
            return SIZE - 1;
        }
        int sub = (int) ((micros >>> (e - 3)) & 7);
        return 16 + (e - 4) * 8 + sub;
    }

    /** The largest value (microseconds) that lands in bucket {@code i}. */
    static long upperBound(int i) {
        if (i < 16) {
            return i;
        }
        int e = (i - 16) / 8 + 4;
        int sub = (i - 16) % 8;
        return ((8L + sub + 1) << (e - 3)) - 1;
    }

    /** The q-quantile in milliseconds of merged counts, reported as its bucket's upper bound; 0 when empty. */
    public static double quantileMillis(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperBound(i) / 1000.0;
            }
        }
        return upperBound(counts.length - 1) / 1000.0;
    }

    /** How many of the merged samples exceed {@code micros} (by bucket: samples in its bucket count as not slower). */
    public static long countAbove(long[] counts, long micros) {
        int from = index(micros) + 1;
        long n = 0;
        for (int i = from; i < counts.length; i++) {
            n += counts[i];
        }
        return n;
    }
}
