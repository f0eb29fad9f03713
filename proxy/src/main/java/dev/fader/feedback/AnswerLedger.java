package dev.fader.feedback;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Which variant served each recent model answer, by Fader's own answer id ({@code X-Fader-Answer-Id}, from
 * {@link dev.fader.routing.RandomIds}), so that feedback on that very answer is counted where it belongs. A
 * client's {@code X-Request-Id} never names an entry: a second client reusing a victim's id would otherwise
 * move the victim's vote to its own variant. Each entry remembers the label each source gave, so the first
 * label per answer and source is the one evidence counts ({@link #label}). Bounded twice: an answer is
 * forgotten when it is older than the feedback window, and the oldest is dropped when {@code capacity}
 * answers are remembered (a ring, no lock). Never the user key, only its hash for the per-user cap.
 */
public final class AnswerLedger implements OutcomeSink {
    /** Where an answer was routed; {@code layer} is empty for a fallback's answer (another variant's model). */
    public static final class Entry {
        private final String answerId;
        private final String rollout;
        private final String variant;
        private final String layer;
        private final boolean keyed;
        private final int keyHash;
        private final long atNanos;
        private final AtomicInteger labels = new AtomicInteger(); // 2 bits per source: given, positive

        Entry(String answerId, String rollout, String variant, String layer, boolean keyed, int keyHash, long atNanos) {
            this.answerId = answerId;
            this.rollout = rollout;
            this.variant = variant;
            this.layer = layer;
            this.keyed = keyed;
            this.keyHash = keyHash;
            this.atNanos = atNanos;
        }

        public String answerId() {
            return answerId;
        }

        public String rollout() {
            return rollout;
        }

        public String variant() {
            return variant;
        }

        public String layer() {
            return layer;
        }

        public boolean keyed() {
            return keyed;
        }

        public int keyHash() {
            return keyHash;
        }
    }

    /** What a label is to an answer that may have had one from the same source before. */
    public enum Label {
        /** The source's first label on this answer: it counts as evidence. */
        FIRST,
        /** The same label again: nothing changes. */
        SAME,
        /** The source changed its mind: shown counts and logs follow, the evidence keeps the first. */
        CHANGED
    }

    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();
    private final LongSupplier ticker;
    private final long windowNanos;

    public AnswerLedger(int capacity, long windowNanos, LongSupplier ticker) {
        this.ring = new AtomicReferenceArray<>(Math.max(1, capacity));
        this.windowNanos = windowNanos;
        this.ticker = ticker;
    }

    @Override
    public void record(Outcome o) {
        String id = o.request().answerId();
        if (o.answer() == null || id == null) {
            return;
        }
        Outcome.Route r = o.route();
        Entry e = new Entry(id, r.rollout(), r.variant(), r.fallback() ? "" : r.layer(), r.bucket() >= 0, r.keyHash(),
                ticker.getAsLong());
        byId.put(id, e);
        Entry evicted = ring.getAndSet((int) (next.getAndIncrement() % ring.length()), e);
        if (evicted != null) {
            byId.remove(evicted.answerId(), evicted);
        }
    }

    /** The answer with this id, or null when unknown, forgotten, or older than the window. */
    public Entry find(String answerId) {
        Entry e = byId.get(answerId);
        return e == null || ticker.getAsLong() - e.atNanos > windowNanos ? null : e;
    }

    /**
     * Notes that {@code source} (one of {@code sources}, by index) labelled answer {@code e} {@code positive},
     * and says what that label is to the ones before it.
     */
    public static Label label(Entry e, int source, boolean positive) {
        int given = 1 << (2 * source);
        int plus = 2 << (2 * source);
        while (true) {
            int before = e.labels.get();
            int after = (before | given) & ~plus | (positive ? plus : 0);
            if (e.labels.compareAndSet(before, after)) {
                return (before & given) == 0 ? Label.FIRST : before == after ? Label.SAME : Label.CHANGED;
            }
        }
    }

    public int size() {
        return byId.size();
    }
}
