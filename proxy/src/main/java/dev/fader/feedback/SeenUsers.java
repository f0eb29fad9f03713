package dev.fader.feedback;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The users this instance served recently, per rollout, so that feedback "by user" counts only for someone
 * who made a request: without it, anyone could vote as any key (the bucket of a key is computable offline).
 * A user is remembered by two hashes of its key, the public bucketing hash and a secret one
 * ({@link dev.fader.routing.UserTags}): 64 bits, never the key. Each entry keeps the variant and layer that
 * last served the user, so feedback lands where the user was. Bounded: at most {@code capacity} users in all
 * (a ring: the earliest first seen is forgotten first), and a user not seen within {@code windowNanos} does
 * not count. A request of a user already remembered writes two fields and allocates nothing.
 */
public final class SeenUsers implements OutcomeSink {
    /** Where a user was last served. */
    public static final class Entry {
        final String rollout;
        final long tag;
        volatile String variant;
        volatile String layer;
        volatile long atNanos;

        Entry(String rollout, long tag, String variant, String layer, long atNanos) {
            this.rollout = rollout;
            this.tag = tag;
            this.variant = variant;
            this.layer = layer;
            this.atNanos = atNanos;
        }

        public String variant() {
            return variant;
        }

        public String layer() {
            return layer;
        }
    }

    private final Map<String, ConcurrentHashMap<Long, Entry>> byRollout = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();
    private final long windowNanos;
    private final LongSupplier ticker;

    public SeenUsers(int capacity, long windowNanos, LongSupplier ticker) {
        this.ring = new AtomicReferenceArray<>(Math.max(1, capacity));
        this.windowNanos = windowNanos;
        this.ticker = ticker;
    }

    static long tag(int keyHash, int userTag) {
        return ((long) keyHash << 32) | (userTag & 0xffffffffL);
    }

    @Override
    public void record(Outcome o) {
        Outcome.Route r = o.route();
        if (r.userTag() == 0 || r.bucket() < 0) {
            return; // no user key: forced, anonymous-baseline or random requests name nobody
        }
        long tag = tag(r.keyHash(), r.userTag());
        ConcurrentHashMap<Long, Entry> users = byRollout.computeIfAbsent(r.rollout(), k -> new ConcurrentHashMap<>());
        long now = ticker.getAsLong();
        Entry e = users.get(tag);
        if (e != null) {
            e.variant = r.variant();
            e.layer = r.layer();
            e.atNanos = now;
            return;
        }
        e = new Entry(r.rollout(), tag, r.variant(), r.layer(), now);
        if (users.putIfAbsent(tag, e) != null) {
            return; // another event loop remembered the same user first
        }
        Entry evicted = ring.getAndSet((int) (next.getAndIncrement() % ring.length()), e);
        if (evicted != null) {
            Map<Long, Entry> of = byRollout.get(evicted.rollout);
            if (of != null) {
                of.remove(evicted.tag, evicted);
            }
        }
    }

    /** Where the user with these hashes was last served in {@code rollout} within the window, or null. */
    public Entry find(String rollout, int keyHash, int userTag) {
        Map<Long, Entry> users = byRollout.get(rollout);
        Entry e = users == null ? null : users.get(tag(keyHash, userTag));
        return e == null || ticker.getAsLong() - e.atNanos > windowNanos ? null : e;
    }
}
