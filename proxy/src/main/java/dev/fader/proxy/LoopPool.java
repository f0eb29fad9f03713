package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The upstream connections of one event loop. Only that loop's thread touches it, so it needs no lock:
 * upstream channels are registered on the same loop as the clients they serve.
 */
final class LoopPool {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final HttpDecoderConfig decoderConfig;
    private final int maxIdlePerEndpoint;
    private final long idleTimeoutNanos;
    private final Map<Address, ArrayDeque<UpstreamHandler>> idle = new HashMap<>();
    private final Map<Address, InetSocketAddress> resolved = new HashMap<>();
    private final Map<String, int[]> cursors = new HashMap<>();
    private final Map<Address, String> labels = new HashMap<>();
    private final OutlierDetector outliers;
    private Predicate<Address> wanted = a -> true;

    LoopPool(EventLoop loop, Bootstrap template, HttpDecoderConfig decoderConfig, int maxIdlePerEndpoint,
            long idleTimeoutNanos, OutlierDetector outliers) {
        this.loop = loop;
        this.outliers = outliers;
        this.bootstrap = template.clone(loop);
        this.decoderConfig = decoderConfig;
        this.maxIdlePerEndpoint = maxIdlePerEndpoint;
        this.idleTimeoutNanos = idleTimeoutNanos;
        long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(idleTimeoutNanos / 2, TimeUnit.SECONDS.toNanos(5)));
        loop.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.NANOSECONDS);
    }

    /**
     * Round-robin over the pool's endpoints that are not ejected, preferring one other than {@code avoid};
     * null when every endpoint is ejected.
     */
    Address pick(UpstreamConfig pool, Address avoid) {
        List<Address> endpoints = pool.endpoints();
        int n = endpoints.size();
        int[] cursor = cursors.computeIfAbsent(pool.name(), k -> new int[1]);
        Address fallback = null;
        for (int i = 0; i < n; i++) {
            Address a = endpoints.get(Math.floorMod(cursor[0]++, n));
            if (!outliers.available(a)) {
                continue;
            }
            if (a.equals(avoid)) {
                fallback = a;
                continue;
            }
            return a;
        }
        return fallback;
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

    ChannelFuture connect(Address endpoint) {
        InetSocketAddress target = resolved.computeIfAbsent(endpoint,
                a -> InetSocketAddress.createUnresolved(a.host(), a.port()));
        UpstreamHandler handler = new UpstreamHandler(endpoint, this);
        return bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast("codec", new HttpClientCodec(decoderConfig, false, false));
                ch.pipeline().addLast("upstream", handler);
            }
        }).connect(target);
    }

    /** Keeps a connection for reuse, or closes it when the pool is full or the endpoint is gone. */
    void release(UpstreamHandler h) {
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
