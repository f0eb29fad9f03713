package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.HealthCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one endpoint of one pool on its own event loop, never blocking it: a fresh connection, {@code GET
 * path} with {@code Connection: close}, a 2xx or 3xx within the timeout passes (nginx's rule). Checks are
 * jittered (the first within a tenth of the interval of the start, then each 0.9 to 1.1 intervals apart), so many
 * instances and endpoints do not probe in step.
 */
final class HealthProbe {
    private static final Logger log = LoggerFactory.getLogger(HealthProbe.class);

    private final String pool;
    private final Address endpoint;
    private final EndpointHealth health;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private volatile boolean stopped;

    HealthProbe(String pool, Address endpoint, HealthCheck check, EventLoop loop, Bootstrap template) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.health = new EndpointHealth(check);
        this.loop = loop;
        this.bootstrap = template.clone(loop).option(ChannelOption.AUTO_READ, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, check.timeout().toMillis()));
    }

    EndpointHealth health() {
        return health;
    }

    void start() {
        long interval = health.check().interval().toNanos();
        loop.schedule(this::check, ThreadLocalRandom.current().nextLong(interval / 10 + 1), TimeUnit.NANOSECONDS);
    }

    void stop() {
        stopped = true;
    }

    private void check() {
        if (stopped) {
            return;
        }
        new Attempt().run();
        long interval = health.check().interval().toNanos();
        long jitter = ThreadLocalRandom.current().nextLong(interval / 5 + 1) - interval / 10;
        loop.schedule(this::check, interval + jitter, TimeUnit.NANOSECONDS);
    }

    private void result(boolean passed, String failure) {
        if (stopped) {
            return;
        }
        EndpointHealth.Status before = health.status();
        EndpointHealth.Status after = health.record(passed, failure);
        if (after != before && after == EndpointHealth.Status.UNHEALTHY) {
            log.warn("endpoint {} of upstream {} is unhealthy after {} failed checks (last: {}); it takes no traffic",
                    endpoint, pool, health.check().unhealthyAfter(), failure);
        } else if (after != before) {
            log.info("endpoint {} of upstream {} is healthy", endpoint, pool);
        }
    }

    /** One check: the first of answer, failure or timeout decides it; the connection is closed either way. */
    private final class Attempt extends SimpleChannelInboundHandler<HttpObject> {
        private boolean decided;
        private Channel channel;

        void run() {
            ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), Attempt.this);
                }
            }).connect(InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()));
            channel = f.channel();
            loop.schedule(() -> decide(false, "no answer within " + health.check().timeout().toMillis() + " ms"),
                    health.check().timeout().toNanos(), TimeUnit.NANOSECONDS);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    decide(false, "cannot connect: " + done.cause().getMessage());
                    return;
                }
                FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, health.check().path());
                r.headers().set(HttpHeaderNames.HOST, endpoint.toString())
                        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                        .set(HttpHeaderNames.USER_AGENT, "fader-health-check");
                channel.writeAndFlush(r);
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                int code = r.status().code();
                decide(code >= 200 && code < 400, "status " + code + " (expected: 2xx or 3xx)");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            decide(false, "connection closed before an answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            decide(false, cause.toString());
        }

        private void decide(boolean passed, String failure) {
            if (decided) {
                return;
            }
            decided = true;
            channel.close();
            result(passed, failure);
        }
    }
}
