package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The active health checks of every pool that asks for them, one {@link HealthProbe} per endpoint spread
 * over the event loops. Readers on the request path see an immutable map replaced whole when a reload
 * changes the pools; a probe whose pool, endpoint and settings survive a reload keeps its state.
 */
public final class HealthChecks implements AutoCloseable {
    private final EventLoopGroup group;
    private final Bootstrap template;
    private volatile Map<String, Map<Address, HealthProbe>> probes = Map.of();

    HealthChecks(EventLoopGroup group, Bootstrap template) {
        this.group = group;
        this.template = template;
    }

    /** False only for an endpoint whose pool checks it and whose checks have failed. */
    boolean usable(UpstreamConfig pool, Address endpoint) {
        if (pool.healthCheck() == null) {
            return true;
        }
        Map<Address, HealthProbe> byEndpoint = probes.get(pool.name());
        HealthProbe p = byEndpoint == null ? null : byEndpoint.get(endpoint);
        return p == null || p.health().usable();
    }

    /** The check state of an endpoint of a pool, or null when that pool is not checked. */
    public EndpointHealth health(String pool, Address endpoint) {
        Map<Address, HealthProbe> byEndpoint = probes.get(pool);
        HealthProbe p = byEndpoint == null ? null : byEndpoint.get(endpoint);
        return p == null ? null : p.health();
    }

    /** Starts probes for checked endpoints that are new (or whose check changed) and stops the rest. */
    synchronized void reconcile(Collection<UpstreamConfig> pools) {
        Map<String, Map<Address, HealthProbe>> before = probes;
        Map<String, Map<Address, HealthProbe>> next = new HashMap<>();
        for (UpstreamConfig pool : pools) {
            if (pool.healthCheck() == null) {
                continue;
            }
            Map<Address, HealthProbe> old = before.getOrDefault(pool.name(), Map.of());
            Map<Address, HealthProbe> mine = new HashMap<>();
            for (Address a : pool.endpoints()) {
                HealthProbe p = old.get(a);
                if (p == null || !p.health().check().equals(pool.healthCheck())) {
                    p = new HealthProbe(pool.name(), a, pool.healthCheck(), group.next(), template);
                    p.start();
                }
                mine.put(a, p);
            }
            next.put(pool.name(), Map.copyOf(mine));
        }
        probes = Map.copyOf(next);
        for (Map.Entry<String, Map<Address, HealthProbe>> e : before.entrySet()) {
            Map<Address, HealthProbe> kept = next.getOrDefault(e.getKey(), Map.of());
            e.getValue().forEach((a, p) -> {
                if (kept.get(a) != p) {
                    p.stop();
                }
            });
        }
    }

    @Override
    public synchronized void close() {
        probes.values().forEach(m -> m.values().forEach(HealthProbe::stop));
        probes = Map.of();
    }
}
