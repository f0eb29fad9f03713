package dev.fader.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Answers "ok" after {@code delayMillis}, keeping the connection alive. */
public final class OkHandler extends ChannelInboundHandlerAdapter {
    private final long delayMillis;

    public OkHandler(long delayMillis) {
        this.delayMillis = delayMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (!last) {
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
        if (delayMillis == 0) {
            ctx.writeAndFlush(r);
        } else {
            ctx.executor().schedule(() -> ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE),
                    delayMillis, TimeUnit.MILLISECONDS);
        }
    }
}
