package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.wire.Http1Decoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upstream connection. While leased it hands every event to its exchange; while
 * idle in the pool any data or close means the connection is no longer usable.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamHandler.class);

    private final Address endpoint;
    private final LoopPool pool;
    private Channel channel;
    private Http1Decoder decoder;
    private Exchange exchange;
    private long idleSince;
    private int uses;

    UpstreamHandler(Address endpoint, LoopPool pool) {
        this.endpoint = endpoint;
        this.pool = pool;
    }

    Address endpoint() {
        return endpoint;
    }

    Channel channel() {
        return channel;
    }

    /** The connection's response decoder, told what kind of answer the next request gets. */
    Http1Decoder decoder() {
        return decoder;
    }

    /** How many requests this connection carried before the current one (0 = fresh). */
    int uses() {
        return uses;
    }

    long idleSince() {
        return idleSince;
    }

    void bind(Exchange e) {
        exchange = e;
    }

    void unbindToIdle(long now) {
        exchange = null;
        idleSince = now;
        uses++;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        decoder = ctx.pipeline().get(Http1Decoder.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.upstreamRead(msg);
        } else {
            // An idle connection that speaks unasked is out of step with us: never reuse it.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        exchange = null;
        if (e != null) {
            e.upstreamClosed();
        } else {
            pool.forget(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and decode errors end in channelInactive, which the exchange turns into an outcome.
        log.debug("upstream {} failed: {}", endpoint, cause.toString());
        ctx.close();
    }
}
