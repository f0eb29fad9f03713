package dev.fader.feedback;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Which variant served each recent model answer, by request id, so that feedback on that very answer
 * ({@code POST /feedback} with a {@code requestId}) is counted where it belongs. Bounded twice: an answer
 * is forgotten when it is older than the feedback window, and the oldest is dropped when
 * {@code capacity} answers are remembered (a ring, no lock). Only answers of rollouts with
 * {@code observe: openai} are remembered; never the user key, only its hash for the per-user cap.
 */
public final class AnswerLedger implements OutcomeSink {
    /** Where an answer was routed; {@code layer} is empty for a fallback's answer (another variant's model). */
    public record Entry(String requestId, String rollout, String variant, String layer, boolean keyed, int keyHash,
            long atNanos) {
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
        String id = o.request().requestId();
        if (o.answer() == null || id == null || id.isEmpty()) {
            return;
        }
        Outcome.Route r = o.route();
        Entry e = new Entry(id, r.rollout(), r.variant(), r.fallback() ? "" : r.layer(), r.bucket() >= 0, r.keyHash(),
                ticker.getAsLong());
        byId.put(id, e);
        Entry evicted = ring.getAndSet((int) (next.getAndIncrement() % ring.length()), e);
        if (evicted != null) {
            byId.remove(evicted.requestId(), evicted); // only if a later answer did not reuse the id
        }
    }

    /** The answer with this id, or null when unknown, forgotten, or older than the window. */
    public Entry find(String requestId) {
        Entry e = byId.get(requestId);
        return e == null || ticker.getAsLong() - e.atNanos() > windowNanos ? null : e;
    }

    public int size() {
        return byId.size();
    }
}
