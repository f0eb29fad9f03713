package dev.fader.proxy;

import dev.fader.config.ProxyLimits;
import dev.fader.feedback.Outcome;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection: takes its requests one at a time (holding back pipelined ones), hands each to an
 * {@link Exchange}, and enforces the header and keep-alive idle timeouts. Reads only on demand.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter implements ClientConnection {
    static final Object DRAIN = new Object();
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final ProxyContext server;
    private ChannelHandlerContext ctx;
    private NettyRequestView view;
    private LoopPool loopPool;
    private Exchange exchange;
    private ArrayDeque<HttpObject> backlog;
    private ScheduledFuture<?> watchdog;
    private long waitDeadline;
    private boolean sawRequest;
    private boolean closing;
    private boolean draining;

    FrontendHandler(ProxyContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.view = new NettyRequestView(ctx.channel().remoteAddress());
        this.loopPool = server.pool(ctx.channel().eventLoop());
        awaitRequest();
        long every = watchdogPeriodNanos(server.table().config().limits());
        watchdog = ctx.executor().scheduleWithFixedDelay(this::watch, every, every, TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || !(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if ((exchange != null && exchange.requestComplete()) || (backlog != null && !backlog.isEmpty())) {
            // A pipelined request: held until the one before it is answered. Bounded, since we do not
            // read again while a request is complete and unanswered.
            if (backlog == null) {
                backlog = new ArrayDeque<>(4);
            }
            backlog.add((HttpObject) msg);
            return;
        }
        dispatch((HttpObject) msg);
    }

    private void dispatch(HttpObject msg) {
        if (msg instanceof HttpRequest request) {
            cancelWaitTimer();
            sawRequest = true;
            if (request.decoderResult().isFailure()) {
                refuse(request.decoderResult().cause());
                ReferenceCountUtil.release(msg);
                return;
            }
            if (request.protocolVersion().majorVersion() != 1) {
                refuse(Failure.VERSION, request.protocolVersion().text() + " (expected: HTTP/1.0 or HTTP/1.1)");
                ReferenceCountUtil.release(msg);
                return;
            }
            String problem = RequestRules.host(request);
            if (problem != null) {
                refuse(Failure.BAD_HOST, problem);
                ReferenceCountUtil.release(msg);
                return;
            }
            RequestRules.Expectation expect = RequestRules.expectation(request);
            if (expect == RequestRules.Expectation.UNSUPPORTED) {
                refuse(Failure.EXPECTATION, request.headers().get(HttpHeaderNames.EXPECT) + " (expected: 100-continue)");
                ReferenceCountUtil.release(msg);
                return;
            }
            if (expect == RequestRules.Expectation.CONTINUE) {
                request.headers().remove(HttpHeaderNames.EXPECT); // answered here, as nginx does
            }
            view.reset(request);
            Exchange started = new Exchange(this, ctx, loopPool, server.sink(), request, server.table());
            exchange = started;
            started.start(view);
            if (expect == RequestRules.Expectation.CONTINUE && exchange == started) {
                // Only once the request is routed and within limits: a refused one gets its final answer
                // instead, and the client never sends the body (RFC 9110 section 10.1.1).
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                        Unpooled.EMPTY_BUFFER), ctx.voidPromise());
            }
        }
        if (msg instanceof LastHttpContent) {
            ObsFoldGuard guard = ctx.pipeline().get(ObsFoldGuard.class);
            if (guard != null) {
                guard.rearm();
            }
        }
        if (msg instanceof HttpContent content) {
            if (exchange == null) {
                content.release(); // the rest of a request already answered or refused
            } else {
                exchange.clientContent(content);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushUpstream();
        }
        readMore();
    }

    /** Reads from the client when there is room for what it sends: idle, or a body the upstream can take. */
    @Override
    public void readMore() {
        if (closing) {
            return;
        }
        if (exchange == null ? backlog == null || backlog.isEmpty() : exchange.wantsClientData()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && exchange != null) {
            exchange.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        cancelWaitTimer();
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.clientGone();
        }
        if (backlog != null) {
            backlog.forEach(ReferenceCountUtil::release);
            backlog.clear();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DRAIN) {
            draining = true;
            if (exchange == null) {
                closeAfterFlush();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void exchangeDone(boolean keepAlive) {
        exchange = null;
        if (!keepAlive || draining) {
            closeAfterFlush();
            return;
        }
        awaitRequest();
        while (backlog != null && !backlog.isEmpty() && (exchange == null || !exchange.requestComplete()) && !closing) {
            dispatch(backlog.poll());
        }
        if (exchange != null) {
            exchange.flushUpstream();
        }
        readMore();
    }

    /** After a 101 from the upstream: both connections become byte relays, with no HTTP codec left. */
    @Override
    public void upgraded(HttpResponse switching, Channel upstream) {
        exchange = null;
        cancelWaitTimer();
        if (watchdog != null) {
            watchdog.cancel(false); // a tunnel has no request timeouts
        }
        ctx.writeAndFlush(switching);
        upstream.pipeline().replace("upstream", "relay", new RelayHandler(ctx.channel()));
        upstream.pipeline().remove("codec");
        ctx.pipeline().replace(this, "relay", new RelayHandler(upstream));
        ctx.pipeline().remove("codec");
        ctx.pipeline().remove("obs-fold");
        upstream.read();
        ctx.channel().read();
    }

    @Override
    public boolean draining() {
        return draining;
    }

    private void refuse(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            refuse(Failure.LINE_TOO_LONG, "over max-request-line");
        } else if (cause instanceof TooLongHttpHeaderException) {
            refuse(Failure.HEAD_TOO_LARGE, "over max-header-size");
        } else if (cause instanceof TooLongFrameException) {
            refuse(Failure.BODY_TOO_LARGE, "request too large");
        } else {
            refuse(Failure.MALFORMED, cause == null ? "?" : cause.getMessage());
        }
    }

    /** Answers a request that must not reach any upstream, then closes: the stream may be out of step. */
    private void refuse(Failure failure, String detail) {
        closing = true;
        log.debug("refused request from {}: {} {}: {}", ctx.channel().remoteAddress(), failure.status.code(),
                failure.what, detail);
        server.sink().record(Outcome.refused(System.currentTimeMillis(), failure.status.code()));
        ctx.writeAndFlush(Responses.error(ctx.alloc(), failure.status, failure.what + ": " + detail, true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void awaitRequest() {
        // A new connection must send its first request head within client-header-timeout; between
        // requests a keep-alive connection may stay quiet for idle-timeout (nginx: keepalive_timeout).
        long nanos = (sawRequest ? server.table().config().limits().idleTimeout()
                : server.table().config().limits().clientHeaderTimeout()).toNanos();
        waitDeadline = System.nanoTime() + nanos;
    }

    private void cancelWaitTimer() {
        waitDeadline = 0;
    }

    /**
     * Timeouts are deadlines checked by one periodic task per connection, a quarter of the shortest
     * timeout apart: setting or clearing a deadline is a field write, where a scheduled task per request
     * and timeout (schedule, then cancel) cost a tenth of the proxy's CPU in profiles. A deadline fires at
     * most a quarter late.
     */
    private void watch() {
        long now = System.nanoTime();
        if (exchange != null) {
            exchange.checkDeadlines(now);
        } else if (waitDeadline != 0 && now - waitDeadline >= 0) {
            waitDeadline = 0;
            waitExpired();
        }
    }

    static long watchdogPeriodNanos(ProxyLimits l) {
        long shortest = Math.min(Math.min(l.clientHeaderTimeout().toNanos(), l.idleTimeout().toNanos()),
                Math.min(l.responseTimeout().toNanos(), l.bodyTimeout().toNanos()));
        return Math.max(TimeUnit.MILLISECONDS.toNanos(25), Math.min(TimeUnit.MILLISECONDS.toNanos(2500), shortest / 4));
    }

    private void waitExpired() {
        if (exchange != null || closing) {
            return;
        }
        if (!sawRequest) {
            refuse(Failure.HEAD_TIMEOUT, "no complete request head within client-header-timeout");
        } else {
            closeAfterFlush();
        }
    }

    private void closeAfterFlush() {
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
