package dev.fader.shadow;

import dev.fader.config.Address;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Sends one copy and reads its whole answer (up to a bound), on the event loop of the client whose
 * request it copies, over connections of its own: an idle pool per event loop and endpoint, touched only
 * by that loop, so a slow candidate holds none of the primary's connections and costs what proxying
 * costs. Each copy is given up after its timeout (its connection closed).
 */
final class CopySender {
    /** A copy's answer: status, content type, body (null beyond the bound), and how long it took. */
    record Reply(int status, String contentType, byte[] body, long nanos) {
    }

    private final Map<EventLoop, Map<Address, ArrayDeque<Channel>>> idle = new ConcurrentHashMap<>();

    /** Sends {@code method uri} with {@code headers} and {@code body} to {@code endpoint}; call on {@code via}'s loop. */
    Promise<Reply> send(Channel via, Address endpoint, String method, String uri, List<Map.Entry<String, String>> headers,
            byte[] body, long maxBody, Duration timeout) {
        EventLoop loop = via.eventLoop();
        Promise<Reply> done = loop.newPromise();
        long started = System.nanoTime();
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri,
                Unpooled.wrappedBuffer(body));
        headers.forEach(h -> r.headers().add(h.getKey(), h.getValue()));
        r.headers().set(HttpHeaderNames.HOST, endpoint.toString()).set(Shadows.HEADER, "1")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        ArrayDeque<Channel> pool = idle.computeIfAbsent(loop, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(endpoint, k -> new ArrayDeque<>());
        Channel ch = pool.pollFirst();
        while (ch != null && !ch.isActive()) {
            ch = pool.pollFirst();
        }
        if (ch != null) {
            write(ch, r, done, started, pool, timeout);
            return done;
        }
        int bound = (int) Math.min(Integer.MAX_VALUE - 8, maxBody);
        ChannelFuture connect = new Bootstrap().group(loop).channel(via.getClass().asSubclass(Channel.class))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(bound), new Answer());
                    }
                }).connect(endpoint.host(), endpoint.port());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                write(connect.channel(), r, done, started, pool, timeout);
            } else {
                r.release();
                done.tryFailure(f.cause());
            }
        });
        return done;
    }

    private static void write(Channel ch, FullHttpRequest r, Promise<Reply> done, long started, ArrayDeque<Channel> pool,
            Duration timeout) {
        Answer a = ch.pipeline().get(Answer.class);
        ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> {
            if (done.tryFailure(new TimeoutException("no answer within " + timeout))) {
                ch.close();
            }
        }, timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        a.expect(done, started, pool, timer);
        ch.writeAndFlush(r).addListener(f -> {
            if (!f.isSuccess()) {
                done.tryFailure(f.cause());
                ch.close();
            }
        });
    }

    /** Reads the answer to the copy in flight; a connection carries one copy at a time. */
    private static final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
        private Promise<Reply> done;
        private long started;
        private ArrayDeque<Channel> pool;
        private ScheduledFuture<?> timer;

        void expect(Promise<Reply> p, long startedNanos, ArrayDeque<Channel> idle, ScheduledFuture<?> t) {
            done = p;
            started = startedNanos;
            pool = idle;
            timer = t;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            timer.cancel(false);
            Reply reply = new Reply(res.status().code(), res.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    ByteBufUtil.getBytes(res.content()), System.nanoTime() - started);
            boolean reuse = HttpUtil.isKeepAlive(res) && done.trySuccess(reply);
            if (reuse) {
                pool.addLast(ctx.channel());
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (done != null) {
                done.tryFailure(new IOException("connection closed before the answer"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (done != null) {
                done.tryFailure(cause); // among them: an answer beyond max-body
            }
            ctx.close();
        }
    }
}
