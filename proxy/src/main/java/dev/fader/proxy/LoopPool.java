package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.config.UpstreamConfig;
import dev.fader.feedback.Outcome;
import dev.fader.routing.Route;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The upstream connections of one event loop, and the one place a request gets a connection:
 * {@link #acquire} picks an endpoint (round robin, skipping ejected and unhealthy ones), reuses an idle
 * connection or makes one, falls back to the baseline's pool when the variant's cannot serve, and
 * {@link #finished} reports how the endpoint did to outlier detection before pooling or closing the
 * connection. Only this loop's thread touches it, so it needs no lock: upstream channels are registered
 * on the same loop as the clients they serve.
 */
final class LoopPool {
    /** Opens a connection to {@code endpoint} whose pipeline ends in {@code handler}. */
    interface Connector {
        ChannelFuture connect(Address endpoint, ProxyLimits limits, UpstreamHandler handler);
    }

    /**
     * The request side of an acquisition; called on this loop, exactly once unless {@link #abandoned}. A
     * lessee may serve several requests in turn: {@link #ticket} names the current one, and an acquisition
     * begun for an earlier ticket is abandoned.
     */
    interface Lessee {
        /**
         * A connection to use. {@code pool} is the one that serves (the baseline's when {@code fallback});
         * {@code primaryFailure}: how the variant's own pool failed first, or null; {@code failedConnects}
         * counts the connect attempts that failed before this one.
         */
        void leased(UpstreamHandler upstream, UpstreamConfig pool, boolean fallback, Failure primaryFailure,
                int failedConnects);

        /** No connection can be had: {@code failure} says why (the last attempt's), {@code detail} where. */
        void unavailable(Failure failure, String detail, Failure primaryFailure, boolean fallback, int failedConnects);

        /** The request being served now. */
        int ticket();

        /** True once request {@code ticket} ended while a connection was being made: the new one is closed. */
        boolean abandoned(int ticket);
    }

    private final EventLoop loop;
    private final Connector connector;
    private final int maxIdlePerEndpoint;
    private final long idleTimeoutNanos;
    private final Map<Address, ArrayDeque<UpstreamHandler>> idle = new HashMap<>();
    private final Map<String, int[]> cursors = new HashMap<>();
    private final Map<Address, String> labels = new HashMap<>();
    private final OutlierDetector outliers;
    private final HealthChecks health;
    private Predicate<Address> wanted = a -> true;

    LoopPool(EventLoop loop, Connector connector, int maxIdlePerEndpoint, long idleTimeoutNanos,
            OutlierDetector outliers, HealthChecks health) {
        this.loop = loop;
        this.outliers = outliers;
        this.health = health;
        this.connector = connector;
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
        this.idleTimeoutNanos = idleTimeoutNanos;
        long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(5)));
        loop.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
    }

    /**
     * Finds a connection for a request routed by {@code route}, preferring an endpoint other than
     * {@code avoid} (one that just failed it). The common case, an idle connection of the first endpoint
     * picked, answers at once and allocates nothing.
     */
    void acquire(Route route, Address avoid, ProxyLimits limits, Lessee lessee) {
        UpstreamConfig primary = route.primary();
        Address a = pick(primary, avoid, false, route.primaryIsBaseline());
        UpstreamHandler ready = a == null ? null : pollIdle(a);
        if (ready != null) {
            lessee.leased(ready, primary, false, null, 0);
        } else {
            new Acquisition(this, route, limits, lessee).begin(a);
        }
    }

    /**
     * Round robin over the pool's endpoints that are neither ejected nor failing their health check,
     * preferring one other than {@code avoid} ({@code strict}: never {@code avoid}). With none usable,
     * {@code panic} picks among all of them anyway (the baseline must not refuse everyone); else null.
     */
    Address pick(UpstreamConfig pool, Address avoid, boolean strict, boolean panic) {
        List<Address> endpoints = pool.endpoints();
        int n = endpoints.size();
        int[] cursor = cursors.computeIfAbsent(pool.name(), k -> new int[1]);
        Address second = null;
        for (int i = 0; i < n; i++) {
            Address a = endpoints.get(Math.floorMod(cursor[0]++, n));
            if (!outliers.available(a) || !health.usable(pool, a)) {
                continue;
            }
            if (a.equals(avoid)) {
                second = strict ? null : a;
                continue;
            }
            return a;
        }
        if (second != null || !panic) {
            return second;
        }
        for (int i = 0; i < n; i++) {
            Address a = endpoints.get(Math.floorMod(cursor[0]++, n));
            if (!a.equals(avoid)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Ends a lease: tells outlier detection how the endpoint answered ({@code answered}; client aborts say
     * nothing of it), then keeps the connection for reuse or closes it.
     */
    void finished(UpstreamHandler h, UpstreamConfig pool, Outcome.Kind answered, boolean reusable, ProxyLimits limits) {
        if (answered.isError()) {
            outliers.failure(h.endpoint(), pool, limits);
        } else if (answered != Outcome.Kind.CLIENT_ABORT) {
            outliers.success(h.endpoint());
        }
        if (reusable) {
            release(h);
        } else {
            h.bind(null);
            h.channel().close();
        }
    }

    /** "host:port" of an endpoint, made once per loop rather than per request. */
    String label(Address a) {
        String l = labels.get(a);
        if (l == null) {
            l = a.toString();
            labels.put(a, l);
        }
        return l;
    }

    OutlierDetector outliers() {
        return outliers;
    }

    /** A pooled connection to {@code endpoint}, most recently used first, or null. */
    UpstreamHandler pollIdle(Address endpoint) {
        ArrayDeque<UpstreamHandler> q = idle.get(endpoint);
        if (q == null) {
            return null;
        }
        UpstreamHandler h;
        while ((h = q.pollLast()) != null) {
            if (h.channel().isActive()) {
                return h;
            }
        }
        return null;
    }

    /** Opens a connection to {@code endpoint}; {@code whenDone} hears of it, at once if it is already settled. */
    void connect(Address endpoint, ProxyLimits limits, ChannelFutureListener whenDone) {
        ChannelFuture f = connector.connect(endpoint, limits, new UpstreamHandler(endpoint, this));
        if (f.isDone()) {
            try {
                whenDone.operationComplete(f);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        } else {
            f.addListener(whenDone);
        }
    }

    /** Keeps a connection for reuse, or closes it when the pool is full or the endpoint is gone. */
    private void release(UpstreamHandler h) {
        if (!h.channel().isActive() || !wanted.test(h.endpoint())) {
            h.channel().close();
            return;
        }
        ArrayDeque<UpstreamHandler> q = idle.computeIfAbsent(h.endpoint(), k -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerEndpoint) {
            h.channel().close();
            return;
        }
        h.unbindToIdle(System.nanoTime());
        q.addLast(h);
        // A read armed while idle lets us see the upstream's close (or stray bytes) before we reuse it.
        h.channel().read();
    }

    void forget(UpstreamHandler h) {
        ArrayDeque<UpstreamHandler> q = idle.get(h.endpoint());
        if (q != null) {
            q.remove(h);
        }
    }

    /** After a reload: idle connections to endpoints no longer in any pool are closed. */
    void retainOnly(Predicate<Address> stillWanted) {
        this.wanted = stillWanted;
        sweep();
    }

    int idleCount() {
        int n = 0;
        for (ArrayDeque<UpstreamHandler> q : idle.values()) {
            n += q.size();
        }
        return n;
    }

    EventLoop loop() {
        return loop;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Address, ArrayDeque<UpstreamHandler>>> it = idle.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Address, ArrayDeque<UpstreamHandler>> e = it.next();
            boolean keep = wanted.test(e.getKey());
            for (Iterator<UpstreamHandler> hs = e.getValue().iterator(); hs.hasNext();) {
                UpstreamHandler h = hs.next();
                if (!keep || now - h.idleSince() > idleTimeoutNanos || !h.channel().isActive()) {
                    hs.remove();
                    h.channel().close();
                }
            }
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }
}
