package dev.fader.feedback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.fader.routing.Murmur3;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Distinct users of one rollout seen in the window, per layer and variant, in bounded memory: a
 * Caffeine cache of recent user-key hashes (expiring after the window, capped in size) whose inserts
 * and removals keep the per-variant counts.
 */
public final class DistinctUsers {
    private final Cache<Long, String[]> seen;
    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();
    private final long sinceMillis = System.currentTimeMillis();

    public DistinctUsers(Duration window, long maxUsers, com.github.benmanes.caffeine.cache.Ticker ticker) {
        this.seen = Caffeine.newBuilder()
                .maximumSize(maxUsers)
                .expireAfterWrite(window)
                .ticker(ticker)
                .executor(Runnable::run)
                .recordStats()
                .<Long, String[]>removalListener((key, layerAndVariant, cause) -> {
                    if (layerAndVariant != null && cause != RemovalCause.REPLACED) {
                        counter(layerAndVariant[0], layerAndVariant[1]).decrement();
                    }
                })
                .build();
    }

    /** Wall-clock time this count started: requests that started earlier were routed by an older split. */
    public long sinceMillis() {
        return sinceMillis;
    }

    /** Notes a user (by the 32-bit hash of its salted key) decided by {@code layer} into {@code variant}. */
    public void saw(int keyHash, String layer, String variant) {
        long key = Integer.toUnsignedLong(keyHash) | ((long) Murmur3.hashUtf8("", layer) << 32);
        if (seen.asMap().putIfAbsent(key, new String[] {layer, variant}) == null) {
            counter(layer, variant).increment();
        }
    }

    /** Distinct users per variant of {@code layer}, after expiring what left the window. */
    public Map<String, Long> users(String layer) {
        seen.cleanUp();
        Map<String, Long> out = new TreeMap<>();
        counts.getOrDefault(layer, Map.of()).forEach((v, n) -> out.put(v, n.sum()));
        return out;
    }

    public Cache<Long, String[]> cache() {
        return seen;
    }

    private LongAdder counter(String layer, String variant) {
        return counts.computeIfAbsent(layer, k -> new ConcurrentHashMap<>()).computeIfAbsent(variant, k -> new LongAdder());
    }
}
