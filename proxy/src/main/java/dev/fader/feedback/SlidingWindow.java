package dev.fader.feedback;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counts of one rollout variant (or endpoint) over the last {@code window}, in fixed-width buckets
 * (Armeria's SlidingWindowCounter idea): recording touches one bucket with atomic adds, no lock; a
 * bucket whose time has passed is replaced by a fresh one with a CAS. Time comes from {@code ticker}.
 */
public final class SlidingWindow {
    private final LongSupplier ticker;
    private final long bucketNanos;
    private final AtomicReferenceArray<Bucket> ring;

    public SlidingWindow(LongSupplier ticker, long windowNanos, long bucketNanos) {
        this.ticker = ticker;
        this.bucketNanos = bucketNanos;
        int n = (int) Math.max(1, (windowNanos + bucketNanos - 1) / bucketNanos);
        this.ring = new AtomicReferenceArray<>(n);
    }

    /** Counts one outcome; a negative latency (client abort, or served by another pool) is not a sample. */
    public void record(Outcome.Kind kind, long latencyNanos) {
        record(kind, latencyNanos, false, ticker.getAsLong());
    }

    /**
     * As {@link #record(Outcome.Kind, long)}, at {@code nowNanos} of this window's ticker (a caller recording
     * into several windows reads it once); {@code fallback}: the baseline's pool served the request.
     */
    public void record(Outcome.Kind kind, long latencyNanos, boolean fallback, long nowNanos) {
        Bucket b = current(nowNanos);
        b.kinds.incrementAndGet(kind.ordinal());
        if (fallback) {
            b.fallbacks.increment();
        }
        if (kind != Outcome.Kind.CLIENT_ABORT && latencyNanos >= 0) {
            b.latency.record(latencyNanos);
        }
    }

    /** Counts what a model answered (an answer that was read, not one passed over). */
    public void answer(ModelAnswer a, long nowNanos) {
        Bucket b = current(nowNanos);
        ModelStats m = b.model.get();
        if (m == null) { // once per bucket: variants that are not models never pay for it
            b.model.compareAndSet(null, new ModelStats());
            m = b.model.get();
        }
        m.record(a);
    }

    public void feedback(boolean positive, Double score) {
        Bucket b = current();
        (positive ? b.positive : b.negative).increment();
        if (score != null) {
            b.scoreSum.add(score);
            b.scoreCount.increment();
        }
    }

    /** A source changed its label on an answer: the shown counts move one vote from the old label to the new. */
    public void relabel(boolean positive) {
        Bucket b = current();
        (positive ? b.positive : b.negative).increment();
        (positive ? b.negative : b.positive).decrement();
    }

    /** Merges the buckets that are still inside the window. */
    public WindowSnapshot snapshot() {
        long slot = Math.floorDiv(ticker.getAsLong(), bucketNanos);
        WindowSnapshot s = WindowSnapshot.empty();
        long positive = 0;
        long negative = 0;
        double scoreSum = 0;
        long scoreCount = 0;
        long fallbacks = 0;
        ModelWindow model = null;
        for (int i = 0; i < ring.length(); i++) {
            Bucket b = ring.get(i);
            if (b == null || slot - b.slot >= ring.length() || b.slot > slot) {
                continue;
            }
            for (int k = 0; k < s.kinds().length; k++) {
                s.kinds()[k] += b.kinds.get(k);
            }
            b.latency.addTo(s.latency());
            positive += b.positive.sum();
            negative += b.negative.sum();
            scoreSum += b.scoreSum.sum();
            scoreCount += b.scoreCount.sum();
            fallbacks += b.fallbacks.sum();
            ModelStats m = b.model.get();
            if (m != null) {
                model = model == null ? ModelWindow.empty() : model;
                m.addTo(model);
            }
        }
        return new WindowSnapshot(s.kinds(), s.latency(), fallbacks, Math.max(0, positive), Math.max(0, negative), scoreSum, scoreCount, model);
    }

    private Bucket current() {
        return current(ticker.getAsLong());
    }

    private Bucket current(long nowNanos) {
        long slot = Math.floorDiv(nowNanos, bucketNanos);
        int i = (int) Math.floorMod(slot, (long) ring.length());
        while (true) {
            Bucket b = ring.get(i);
            if (b != null && b.slot == slot) {
                return b;
            }
            if (b != null && b.slot > slot) {
                return b; // a racing thread already moved on; count into the newer bucket
            }
            Bucket fresh = new Bucket(slot);
            if (ring.compareAndSet(i, b, fresh)) {
                return fresh;
            }
        }
    }

    private static final class Bucket {
        final long slot;
        final AtomicLongArray kinds = new AtomicLongArray(Outcome.Kind.values().length);
        final LatencyHistogram latency = new LatencyHistogram();
        final LongAdder positive = new LongAdder();
        final LongAdder negative = new LongAdder();
        final DoubleAdder scoreSum = new DoubleAdder();
        final LongAdder scoreCount = new LongAdder();
        final LongAdder fallbacks = new LongAdder();
        final AtomicReference<ModelStats> model = new AtomicReference<>();

        Bucket(long slot) {
            this.slot = slot;
        }
    }
}
