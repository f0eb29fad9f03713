package dev.fader.proxy;

import dev.fader.feedback.Outcome;
import dev.fader.wire.Http1Decoder;
import dev.fader.wire.Malformed;
import dev.fader.wire.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection: takes its requests one at a time from the {@link Http1Decoder} (which holds a
 * pipelined request back until the one before it is answered), hands each to an {@link Exchange}, and
 * keeps the header and keep-alive idle deadlines that its loop's {@link Watchdog} checks. Reads only on demand.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter implements ClientConnection, Watchdog.Watched {
    static final Object DRAIN = new Object();
    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyContext server;
    private ChannelHandlerContext ctx;
    private Http1Decoder decoder;
    private NettyRequestView view;
    private LoopPool loopPool;
    private Watchdog watchdog;
    private int slot = -1;
    private Exchange pooled; // the one exchange object, serving this connection's requests in turn
    private Exchange exchange; // the pooled one while a request is in flight, else null
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
        this.decoder = ctx.pipeline().get(Http1Decoder.class);
        this.view = new NettyRequestView(ctx.channel().remoteAddress());
        this.loopPool = server.pool(ctx.channel().eventLoop());
        this.watchdog = server.watchdog(ctx.channel().eventLoop());
        this.pooled = new Exchange(this, ctx, loopPool, server.sink());
        awaitRequest();
        watchdog.add(this);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ByteBuf body) {
            if (exchange == null) {
                body.release(); // the rest of a request already answered or refused
            } else {
                exchange.clientContent(body);
            }
        } else if (msg == Http1Decoder.END) {
            if (exchange != null) {
                exchange.clientEnd();
            }
        } else if (msg instanceof RequestHead head) {
            request(head);
        } else if (msg instanceof Malformed m) {
            if (exchange != null) {
                exchange.clientMalformed(m);
            } else {
                refuse(Failure.valueOf(m.problem()), m.detail());
            }
        }
    }

    private void request(RequestHead request) {
        waitDeadline = 0;
        sawRequest = true;
        if (request.major() != 1) {
            refuse(Failure.VERSION, "HTTP/" + request.major() + "." + request.minor() + " (expected: HTTP/1.0 or HTTP/1.1)");
            return;
        }
        String problem = RequestRules.host(request);
        if (problem != null) {
            refuse(Failure.BAD_HOST, problem);
            return;
        }
        RequestRules.Expectation expect = RequestRules.expectation(request);
        if (expect == RequestRules.Expectation.UNSUPPORTED) {
            refuse(Failure.EXPECTATION, request.get(dev.fader.wire.Field.EXPECT) + " (expected: 100-continue)");
            return;
        }
        boolean answerContinue = expect == RequestRules.Expectation.CONTINUE; // answered here, as nginx does
        view.reset(request);
        exchange = pooled;
        int started = pooled.start(request, RequestFacts.of(request), server.table(), view, answerContinue);
        if (answerContinue && exchange == pooled && pooled.ticket() == started) {
            // Only once the request is routed and within limits: a refused one gets its final answer
            // instead, and the client never sends the body (RFC 9110 section 10.1.1).
            ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
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
        if (!closing && (exchange == null || exchange.wantsClientData())) {
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
        waitDeadline = 0;
        watchdog.remove(this);
        if (exchange != null) {
            Exchange e = exchange;
            exchange = null;
            e.clientGone();
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
        decoder.resume(); // a pipelined request already here starts now
        if (exchange != null) {
            exchange.flushUpstream();
        }
        readMore();
    }

    /** After a 101 from the upstream: both connections become byte relays, with no HTTP decoder left. */
    @Override
    public void upgraded(ByteBuf switching, Channel upstream) {
        exchange = null;
        waitDeadline = 0;
        watchdog.remove(this); // a tunnel has no request timeouts
        ctx.writeAndFlush(switching);
        upstream.pipeline().replace("upstream", "relay", new RelayHandler(ctx.channel()));
        upstream.pipeline().remove("codec"); // hands on what the upstream sent after its 101
        ctx.pipeline().replace(this, "relay", new RelayHandler(upstream));
        ctx.pipeline().remove("codec"); // hands on what the client sent after its request
        upstream.read();
        ctx.channel().read();
    }

    @Override
    public boolean draining() {
        return draining;
    }

    /** Answers a request that must not reach any upstream, then closes: the stream may be out of step. */
    private void refuse(Failure failure, String detail) {
        closing = true;
        decoder.refuse();
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

    @Override
    public void watch(long now) {
        if (exchange != null) {
            exchange.checkDeadlines(now);
        } else if (waitDeadline != 0 && now - waitDeadline >= 0) {
            waitDeadline = 0;
            waitExpired();
        }
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public void slot(int slot) {
        this.slot = slot;
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
