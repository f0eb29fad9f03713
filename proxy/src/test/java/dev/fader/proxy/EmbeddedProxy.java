package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.RoutingTable;
import dev.fader.testing.Configs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import dev.fader.wire.Http1Decoder;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's handlers with no sockets: a client {@link EmbeddedChannel} running the real codec and
 * {@link FrontendHandler}, and one {@link EmbeddedChannel} per upstream connection the pool opens, running
 * the real client codec and {@link UpstreamHandler}. Tests write bytes into either side and read what
 * came out of the other; {@link #close} releases everything, so paranoid leak detection sees any leak.
 */
final class EmbeddedProxy implements ProxyContext, AutoCloseable {
    final List<EmbeddedChannel> upstreams = new ArrayList<>();
    final List<Outcome> outcomes = new ArrayList<>();
    final EmbeddedChannel client;
    private final RoutingTable table;
    private LoopPool pool;
    private Watchdog watchdog;

    EmbeddedProxy(String yaml) {
        this.table = Configs.table(yaml);
        this.client = new EmbeddedChannel(Http1Decoder.requests(8192, 16384), new FrontendHandler(this));
    }

    /** One pool at 127.0.0.1:9001 that is every request's baseline. */
    static EmbeddedProxy singlePool() {
        return new EmbeddedProxy("listen: 127.0.0.1:0\nupstreams:\n  a: { endpoints: [127.0.0.1:9001] }\n");
    }

    @Override
    public RoutingTable table() {
        return table;
    }

    @Override
    public OutcomeSink sink() {
        return outcomes::add;
    }

    @Override
    public LoopPool pool(EventLoop loop) {
        if (pool == null) {
            pool = new LoopPool(loop, this::connect, 8, TimeUnit.SECONDS.toNanos(30), new OutlierDetector(() -> 0L),
                    new HealthChecks(null, null));
        }
        return pool;
    }

    @Override
    public Watchdog watchdog(EventLoop loop) {
        if (watchdog == null) {
            watchdog = new Watchdog(loop, () -> table.config().limits());
        }
        return watchdog;
    }

    private ChannelFuture connect(Address endpoint, ProxyLimits limits, UpstreamHandler handler) {
        EmbeddedChannel upstream = new EmbeddedChannel(Http1Decoder.responses(8192, 65536), handler);
        upstreams.add(upstream);
        return upstream.newSucceededFuture();
    }

    EmbeddedChannel upstream(int i) {
        return upstreams.get(i);
    }

    /** Bytes from the client, as one read. */
    void fromClient(String text) {
        client.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    /** Bytes from upstream connection {@code i}, as one read. */
    void fromUpstream(int i, String text) {
        upstream(i).writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    /** Everything written to the client so far, as text. */
    String toClient() {
        return drain(client);
    }

    /** Everything written to upstream connection {@code i} so far, as text. */
    String toUpstream(int i) {
        return drain(upstream(i));
    }

    private static String drain(EmbeddedChannel ch) {
        StringBuilder b = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) o;
            b.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return b.toString();
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        upstreams.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
}
