package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.StartupSettings;
import dev.fader.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One {@link LoopPool} per event loop, created on first use by that loop, and what they share: outlier
 * ejection and active health checks, both per endpoint and read by every loop.
 */
final class UpstreamPools implements AutoCloseable {
    /** Answers are decoded strictly; their heads may be larger than what clients may send. */
    private static final int MAX_STATUS_LINE = 8 * 1024;
    private static final int MAX_RESPONSE_HEAD = 64 * 1024;
    private final ConcurrentHashMap<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    private final Bootstrap template;
    private final StartupSettings startup;
    private final OutlierDetector outliers;
    private final HealthChecks health;

    UpstreamPools(Transport transport, EventLoopGroup group, StartupSettings startup, LongSupplier nanos) {
        this.startup = startup;
        this.outliers = new OutlierDetector(nanos);
        this.template = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, false);
        this.health = new HealthChecks(group, template);
    }

    LoopPool of(EventLoop loop) {
        LoopPool p = pools.get(loop);
        return p != null ? p : pools.computeIfAbsent(loop, l -> new LoopPool(l,
                new BootstrapConnector(template, l, MAX_STATUS_LINE, MAX_RESPONSE_HEAD), startup.maxIdlePerEndpoint(),
                startup.upstreamIdleTimeout().toNanos(), outliers, health));
    }

    OutlierDetector outliers() {
        return outliers;
    }

    HealthChecks health() {
        return health;
    }

    int idleCount() {
        int n = 0;
        for (LoopPool p : pools.values()) {
            n += p.idleCount();
        }
        return n;
    }

    /**
     * After a (re)load: health checks follow the pools, and every loop closes its idle connections to
     * endpoints that are in no pool any more.
     */
    void follow(Collection<UpstreamConfig> upstreams, Predicate<Address> stillWanted) {
        health.reconcile(upstreams);
        for (LoopPool p : pools.values()) {
            p.loop().execute(() -> p.retainOnly(stillWanted));
        }
    }

    @Override
    public void close() {
        health.close();
    }
}
