package dev.fader.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A toy model server that names its variant, failing a share of requests and answering after a delay. */
public final class DemoUpstream implements AutoCloseable {
    private final Channel channel;

    public DemoUpstream(EventLoopGroup group, Class<? extends ServerChannel> channelClass,
            String variant, double errorRate, long delayMillis) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(64 * 1024), new Answer(variant, errorRate, delayMillis));
                    }
                });
        channel = b.bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String variant;
        private final double errorRate;
        private final long delayMillis;

        Answer(String variant, double errorRate, long delayMillis) {
            this.variant = variant;
            this.errorRate = errorRate;
            this.delayMillis = delayMillis;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean fail = ThreadLocalRandom.current().nextDouble() < errorRate;
            String text = fail ? "{\"error\":\"model overloaded\",\"variant\":\"" + variant + "\"}\n"
                    : "{\"variant\":\"" + variant + "\",\"answer\":\"hello\"}\n";
            long delay = delayMillis <= 0 ? 0 : ThreadLocalRandom.current().nextLong(delayMillis / 2, delayMillis + 1);
            if (delay == 0) {
                answer(ctx, fail, text);
            } else {
                // The buffer is made when the answer goes out: a task dropped at shutdown holds none.
                ctx.executor().schedule(() -> answer(ctx, fail, text), delay, TimeUnit.MILLISECONDS);
            }
        }

        private void answer(ChannelHandlerContext ctx, boolean fail, String text) {
            ByteBuf body = ctx.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    fail ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set("X-Backend", variant);
            ctx.writeAndFlush(res);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // users hanging up on the toy server are expected
        }
    }
}
