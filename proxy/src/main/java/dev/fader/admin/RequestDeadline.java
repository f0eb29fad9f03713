package dev.fader.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an admin connection whose request has not fully arrived {@code limitNanos} after its first byte (a
 * slow-loris client dribbling a head or a body), or that sent nothing for {@code idleNanos}. Sits first in the
 * pipeline, where it sees the first byte of each request, and again after the aggregator as its own
 * {@link Complete} marker, where it sees each request end.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private final long limitNanos;
    private final long idleNanos;
    private ScheduledFuture<?> deadline;
    private boolean inRequest;

    RequestDeadline(long limitNanos, long idleNanos) {
        this.limitNanos = limitNanos;
        this.idleNanos = idleNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx, idleNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!inRequest && msg instanceof ByteBuf b && b.isReadable()) {
            inRequest = true;
            arm(ctx, limitNanos);
        }
        super.channelRead(ctx, msg);
    }

    private void complete(ChannelHandlerContext ctx) {
        inRequest = false;
        arm(ctx, idleNanos);
    }

    private void arm(ChannelHandlerContext ctx, long nanos) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        super.channelInactive(ctx);
    }

    /** After the aggregator: a whole request has arrived, so the deadline goes back to the idle limit. */
    static final class Complete extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof FullHttpRequest) {
                RequestDeadline d = ctx.pipeline().get(RequestDeadline.class);
                if (d != null) {
                    d.complete(ctx.pipeline().context(d));
                }
            }
            super.channelRead(ctx, msg);
        }
    }
}
