package dev.fader.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Upstreams for the shadow benchmark: each {@code PORT:DELAY_MS} pair serves a 100-byte JSON answer
 * (with a fresh id) after that delay, from one event loop, never blocking it.
 * {@code java -cp bench/target/benchmarks.jar dev.fader.bench.SlowUpstream 19101:1 19102:10}
 */
public final class SlowUpstream {
    private SlowUpstream() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        for (String a : args) {
            String[] portDelay = a.split(":");
            long delay = Long.parseLong(portDelay[1]);
            new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                    new HttpObjectAggregator(1 << 20), new Answer(delay));
                        }
                    }).bind("127.0.0.1", Integer.parseInt(portDelay[0])).sync();
        }
        Thread.currentThread().join();
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final long delayMillis;
        private long next;

        Answer(long delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String body = String.format("{\"id\":\"r%012d\",\"choices\":[{\"message\":{\"content\":\"hello there\"},"
                    + "\"finish_reason\":\"stop\"}]}", next++);
            Runnable answer = () -> {
                ByteBuf b = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
                DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, b);
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes());
                HttpUtil.setKeepAlive(r, keepAlive);
                ctx.writeAndFlush(r);
            };
            if (delayMillis == 0) {
                answer.run();
            } else {
                ctx.executor().schedule(answer, delayMillis, TimeUnit.MILLISECONDS);
            }
        }
    }
}
