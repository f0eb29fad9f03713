package dev.fader.feedback;

import dev.fader.routing.Murmur3;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Distinct users of one rollout per layer and variant, counted exactly over tumbling periods of one
 * window, for the sample-ratio check. Memory is bounded without evicting anyone mid-period: once
 * {@code maxUsers} are tracked, new users are not counted until the next period ({@link #full}). An
 * evicting cache would drop the users who come back least often first, and a canary that changes how
 * often its users return would then bias the very counts that are meant to catch a broken split.
 */
public final class DistinctUsers {
    private final long windowNanos;
    private final long maxUsers;
    private final LongSupplier ticker;
    private final long sinceMillis = System.currentTimeMillis();
    private volatile Period period;

    public DistinctUsers(Duration window, long maxUsers, LongSupplier ticker) {
        this.windowNanos = window.toNanos();
        this.maxUsers = maxUsers;
        this.ticker = ticker;
        this.period = new Period(ticker.getAsLong());
    }

    /** Wall-clock time this count started: requests that started earlier were routed by an older split. */
    public long sinceMillis() {
        return sinceMillis;
    }

    /** Notes a user (by the 32-bit hash of its salted key) decided by {@code layer} into {@code variant}. */
    public void saw(int keyHash, String layer, String variant) {
        Period p = current();
        if (p.seen.size() >= maxUsers) {
            return; // full for this period: counted users stay exact, new ones wait for the next period
        }
        long key = Integer.toUnsignedLong(keyHash) | ((long) Murmur3.hashUtf8("", layer) << 32);
        if (p.seen.add(key)) {
            p.counts.computeIfAbsent(layer, k -> new ConcurrentHashMap<>()).computeIfAbsent(variant, k -> new LongAdder())
                    .increment();
        }
    }

    /** Distinct users per variant of {@code layer} in the current period. */
    public Map<String, Long> users(String layer) {
        Map<String, Long> out = new TreeMap<>();
        current().counts.getOrDefault(layer, Map.of()).forEach((v, n) -> out.put(v, n.sum()));
        return out;
    }

    /** Users tracked in the current period, and whether that reached the bound. */
    public long tracked() {
        return current().seen.size();
    }

    public boolean full() {
        return tracked() >= maxUsers;
    }

    private Period current() {
        Period p = period;
        long now = ticker.getAsLong();
        if (now - p.startNanos >= windowNanos) {
            synchronized (this) {
                if (period == p) {
                    period = new Period(now);
                }
                return period;
            }
        }
        return p;
    }

    private static final class Period {
        final long startNanos;
        final Set<Long> seen = ConcurrentHashMap.newKeySet();
        final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

        Period(long startNanos) {
            this.startNanos = startNanos;
        }
    }
}
