package dev.fader.feedback;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The users this instance served recently, per rollout, so that feedback "by user" counts only for someone
 * who made a request: without it, anyone could vote as any key (the bucket of a key is computable offline).
 * A user is remembered by two hashes of its key, the public bucketing hash and a secret one
 * ({@link dev.fader.routing.UserTags}): 64 bits, never the key. Each entry keeps the variant and layer that
 * last served the user, so feedback lands where the user was; a user not seen within {@code windowNanos}
 * does not count.
 *
 * <p>The table is a set-associative cache, as CPU caches are: {@code capacity} rounded up to a power of two
 * slots in sets of {@link #WAYS}, a user's set chosen by its hash; a new user takes a free slot of its set or
 * the one seen longest ago. Memory is bounded by the slots (one entry of about 48 bytes each), and a request
 * of a user already remembered writes three fields and allocates nothing (a map keyed by {@code Long} would
 * box on every request; this is on every request's path). No lock: two event loops writing one slot at
 * once leave one of the two users, as an eviction would.
 */
public final class SeenUsers implements OutcomeSink {
    static final int WAYS = 4;

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

    private final AtomicReferenceArray<Entry> slots;
    private final int setMask;
    private final long windowNanos;
    private final LongSupplier ticker;

    public SeenUsers(int capacity, long windowNanos, LongSupplier ticker) {
        int n = Integer.highestOneBit(Math.max(WAYS, capacity - 1) << 1); // the next power of two >= capacity
        this.slots = new AtomicReferenceArray<>(n);
        this.setMask = n / WAYS - 1;
        this.windowNanos = windowNanos;
        this.ticker = ticker;
    }

    /** How many users the table can hold at most. */
    public int slots() {
        return slots.length();
    }

    static long tag(int keyHash, int userTag) {
        return ((long) keyHash << 32) | (userTag & 0xffffffffL);
    }

    private int set(String rollout, long tag) {
        long h = (tag ^ rollout.hashCode()) * 0x9e3779b97f4a7c15L; // Fibonacci hashing spreads both halves
        return (int) (h >>> 40) & setMask;
    }

    @Override
    public void record(Outcome o) {
        Outcome.Route r = o.route();
        if (r.userTag() == 0 || r.bucket() < 0) {
            return; // no user key: forced, anonymous-baseline or random requests name nobody
        }
        long tag = tag(r.keyHash(), r.userTag());
        long now = ticker.getAsLong();
        int base = set(r.rollout(), tag) * WAYS;
        int victim = -1;
        Entry oldest = null;
        for (int i = base; i < base + WAYS; i++) {
            Entry e = slots.get(i);
            if (e == null) {
                if (oldest != null || victim < 0) { // a free slot beats any taken one
                    victim = i;
                    oldest = null;
                }
                continue;
            }
            if (e.tag == tag && e.rollout.equals(r.rollout())) {
                e.variant = r.variant();
                e.layer = r.layer();
                e.atNanos = now;
                return;
            }
            if (victim < 0 || (oldest != null && e.atNanos - oldest.atNanos < 0)) {
                victim = i;
                oldest = e;
            }
        }
        slots.set(victim, new Entry(r.rollout(), tag, r.variant(), r.layer(), now));
    }

    /** Where the user with these hashes was last served in {@code rollout} within the window, or null. */
    public Entry find(String rollout, int keyHash, int userTag) {
        long tag = tag(keyHash, userTag);
        int base = set(rollout, tag) * WAYS;
        for (int i = base; i < base + WAYS; i++) {
            Entry e = slots.get(i);
            if (e != null && e.tag == tag && e.rollout.equals(rollout)) {
                return ticker.getAsLong() - e.atNanos > windowNanos ? null : e;
            }
        }
        return null;
    }
}
