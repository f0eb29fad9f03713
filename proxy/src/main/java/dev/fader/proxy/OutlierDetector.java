package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.config.UpstreamConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy-style outlier ejection, shared by all event loops: an endpoint with {@code n} consecutive
 * failures (connect errors, resets, timeouts, 5xx) leaves its pool for a backoff that doubles with each
 * ejection (base x 2^k, at most 32x), unless that would eject more than the pool's maximum share (one
 * endpoint may always go). When the time is up the next request probes it; one more failure ejects it
 * again for longer. Ejection protects users, it does not measure: requests a variant's pool cannot take
 * are served by the baseline (fallback) and never counted against the variant. The settings come from
 * the snapshot each request carries, so a reload changes them.
 */
final class OutlierDetector {
    private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);
    private final ConcurrentHashMap<Address, Health> health = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    OutlierDetector(LongSupplier nanos) {
        this.nanos = nanos;
    }

    boolean available(Address a) {
        Health h = health.get(a);
        return h == null || h.ejectedUntil <= nanos.getAsLong();
    }

    void success(Address a) {
        Health h = health.get(a);
        if (h != null) {
            h.consecutive.set(0);
            if (h.ejectedUntil != 0 && h.ejectedUntil <= nanos.getAsLong()) {
                h.ejections.set(0); // probed back healthy
                h.ejectedUntil = 0;
            }
        }
    }

    void failure(Address a, UpstreamConfig pool, ProxyLimits limits) {
        int threshold = limits.outlierConsecutiveFailures();
        long baseNanos = limits.outlierBaseEjection().toNanos();
        if (threshold <= 0) {
            return;
        }
        Health h = health.computeIfAbsent(a, k -> new Health());
        long now = nanos.getAsLong();
        boolean probeFailed = h.ejectedUntil != 0 && h.ejectedUntil <= now;
        if ((h.consecutive.incrementAndGet() >= threshold || probeFailed) && h.ejectedUntil <= now
                && mayEject(pool, limits.outlierMaxEjectedBasisPoints())) {
            int k = Math.min(5, h.ejections.getAndIncrement());
            h.ejectedUntil = now + (baseNanos << k);
            h.consecutive.set(0);
            log.warn("endpoint {} of upstream {} ejected for {} ms after {}", a, pool.name(), (baseNanos << k) / 1_000_000,
                    probeFailed ? "a failed probe" : threshold + " consecutive failures");
        }
    }

    int ejected(UpstreamConfig pool) {
        int n = 0;
        long now = nanos.getAsLong();
        for (Address e : pool.endpoints()) {
            Health h = health.get(e);
            if (h != null && h.ejectedUntil > now) {
                n++;
            }
        }
        return n;
    }

    private boolean mayEject(UpstreamConfig pool, int maxEjectedBasisPoints) {
        int max = Math.max(1, pool.endpoints().size() * maxEjectedBasisPoints / 10_000);
        return ejected(pool) < max;
    }

    private static final class Health {
        final AtomicInteger consecutive = new AtomicInteger();
        final AtomicInteger ejections = new AtomicInteger();
        volatile long ejectedUntil;
    }
}
