package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** One {@link LoopPool} per event loop, created on first use by that loop. */
final class UpstreamPools {
    private final ConcurrentHashMap<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    private final Bootstrap template;
    private final HttpDecoderConfig decoderConfig;
    private final ProxyLimits limits;
    private final OutlierDetector outliers;

    UpstreamPools(Transport transport, ProxyLimits limits) {
        this.limits = limits;
        this.outliers = new OutlierDetector(limits, System::nanoTime);
        this.decoderConfig = new HttpDecoderConfig()
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setMaxHeaderSize(Math.max(limits.maxHeaderSize(), 16 * 1024))
                .setMaxInitialLineLength(8 * 1024)
                .setMaxChunkSize(64 * 1024);
        this.template = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        limits.connectTimeout().toMillis()));
    }

    LoopPool of(EventLoop loop) {
        LoopPool p = pools.get(loop);
        return p != null ? p : pools.computeIfAbsent(loop, l -> new LoopPool(l, template, decoderConfig,
                limits.maxIdlePerEndpoint(), limits.upstreamIdleTimeout().toNanos(), outliers));
    }

    int idleCount() {
        int n = 0;
        for (LoopPool p : pools.values()) {
            n += p.idleCount();
        }
        return n;
    }

    /** Tells every loop which endpoints still exist; each closes its idle connections to the others. */
    void retainOnly(Predicate<Address> stillWanted) {
        for (LoopPool p : pools.values()) {
            p.loop().execute(() -> p.retainOnly(stillWanted));
        }
    }
}
