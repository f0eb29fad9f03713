package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.config.UpstreamConfig;
import dev.fader.feedback.Outcome;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One request from the client to an upstream and its answer back, on the client's event loop.
 * Reads in order: {@link #start} routes and acquires a connection, {@link #clientContent} streams the
 * request body, {@link #upstreamRead} streams the response, {@link #finish} or {@link #fail} ends it.
 */
final class Exchange {
    private final FrontendHandler front;
    private final ChannelHandlerContext client;
    private final HttpRequest request;
    private final RoutingTable table;
    private final ProxyLimits limits;
    private final Tally tally;
    private RouteDecision decision;
    private UpstreamConfig pool;
    private Address endpoint;
    private UpstreamHandler upstream;
    private ArrayDeque<HttpContent> pending;
    private long responseDeadline;
    private long lastProgressNanos;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean done;
    private boolean keepAliveClient;
    private boolean closeClientAfter;
    private boolean upstreamReusable;
    private boolean http10;
    private boolean headRequest;
    private boolean upgrading;
    private boolean resendable;
    private boolean bodiless;
    private boolean headSent;
    private boolean connectRetried;
    private boolean resetRetried;
    private boolean skipInformationalEnd;

    Exchange(FrontendHandler front, ChannelHandlerContext client, HttpRequest request, RoutingTable table) {
        this.front = front;
        this.client = client;
        this.request = request;
        this.table = table;
        this.limits = table.config().limits();
        this.tally = new Tally(request);
        this.lastProgressNanos = tally.startNanos;
    }

    boolean requestComplete() {
        return requestComplete;
    }

    /** Routes the request, rewrites its head for the upstream, and acquires a connection. */
    void start(NettyRequestView view) {
        HttpHeaders h = request.headers();
        String rawHost = h.get(HttpHeaderNames.HOST);
        tally.host = rawHost == null ? "" : rawHost; // normalized only where printed, off the event loop
        keepAliveClient = HttpUtil.isKeepAlive(request);
        http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        headRequest = request.method().equals(HttpMethod.HEAD);
        upgrading = h.contains(HttpHeaderNames.UPGRADE) && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        long length = HttpUtil.getContentLength(request, -1L);
        bodiless = !chunked && length <= 0;
        resendable = bodiless && isIdempotent(request.method());
        if (limits.maxBodySize() > 0 && length > limits.maxBodySize()) {
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body of " + length + " bytes exceeds max-body-size "
                    + limits.maxBodySize());
            return;
        }
        decision = table.decide(view);
        if (decision == null) {
            reject(HttpResponseStatus.NOT_FOUND, "no rollout matches host '" + view.host() + "' and path '" + view.path() + "'");
            return;
        }
        tally.requestId = ForwardHeaders.forUpstream(request, decision, view.peerIp(), upgrading, chunked);
        pool = table.upstream(decision.upstream());
        if (pool == null || pool.endpoints().isEmpty()) {
            fail(HttpResponseStatus.SERVICE_UNAVAILABLE, Outcome.Kind.CONNECT_ERROR, "variant '" + decision.variant()
                    + "' has no endpoint");
            return;
        }
        acquire(null);
    }

    private void acquire(Address avoid) {
        LoopPool loopPool = front.loopPool();
        Address picked = loopPool.pick(pool, avoid);
        if (picked == null) {
            fail(HttpResponseStatus.SERVICE_UNAVAILABLE, Outcome.Kind.CONNECT_ERROR, "every endpoint of variant '"
                    + decision.variant() + "' is ejected after repeated failures");
            return;
        }
        endpoint = picked;
        UpstreamHandler idle = loopPool.pollIdle(endpoint);
        if (idle != null) {
            attach(idle);
            return;
        }
        ChannelFuture f = loopPool.connect(endpoint);
        if (f.isDone()) {
            connected(f);
        } else {
            f.addListener(this::connected);
        }
    }

    private void connected(io.netty.util.concurrent.Future<? super Void> future) {
        ChannelFuture f = (ChannelFuture) future;
        if (done) {
            f.channel().close();
            return;
        }
        if (f.isSuccess()) {
            attach((UpstreamHandler) f.channel().pipeline().get("upstream"));
            return;
        }
        front.loopPool().outliers().failure(endpoint, pool);
        if (!connectRetried && pool.endpoints().size() > 1) {
            // Nothing was sent, so another endpoint of the same variant may take it (Envoy's connect-failure retry).
            connectRetried = true;
            acquire(endpoint);
            return;
        }
        boolean timedOut = f.cause() instanceof ConnectTimeoutException;
        fail(timedOut ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY,
                timedOut ? Outcome.Kind.TIMEOUT : Outcome.Kind.CONNECT_ERROR,
                "cannot connect to upstream " + endpoint + " of variant '" + decision.variant() + "': "
                        + (f.cause() == null ? "unknown" : f.cause().getMessage()));
    }

    private void attach(UpstreamHandler h) {
        upstream = h;
        h.bind(this);
        Channel ch = h.channel();
        // The head waits for the first body part (or the end): a body that fails to decode in the same
        // read is then refused before the upstream has seen anything of the request.
        if (pending != null || requestComplete) {
            ch.write(request);
            headSent = true;
        }
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                ch.write(c);
            }
            pending = null;
        } else if (requestComplete) {
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT); // a resend: only bodiless requests are resent
        }
        ch.flush();
        ch.read();
        if (requestComplete) {
            armResponseTimer();
        } else {
            front.readMore();
        }
    }

    /** Called by the connection's watchdog: the response deadline, and bodies that stopped moving. */
    void checkDeadlines(long now) {
        if (done) {
            return;
        }
        if (responseDeadline != 0 && now - responseDeadline >= 0) {
            responseDeadline = 0;
            responseTimedOut();
            return;
        }
        if (upstream == null || now - lastProgressNanos < limits.bodyTimeout().toNanos()) {
            return;
        }
        if (!requestComplete) {
            fail(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.Kind.CLIENT_ABORT, "the request body stalled for "
                    + dev.fader.config.Durations.format(limits.bodyTimeout()));
        } else if (responseStarted && !client.channel().isWritable()) {
            // We stopped reading the upstream because the client does not take the response: its stall.
            fail(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.Kind.CLIENT_ABORT, "the client stopped reading the response"
                    + " for " + dev.fader.config.Durations.format(limits.bodyTimeout()));
        } else if (responseStarted) {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, Outcome.Kind.TIMEOUT, "upstream " + endpoint
                    + " stalled mid-response for " + dev.fader.config.Durations.format(limits.bodyTimeout()));
        }
    }

    void clientContent(HttpContent c) {
        if (done) {
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            reject(HttpResponseStatus.BAD_REQUEST, "malformed request body: " + c.decoderResult().cause().getMessage());
            return;
        }
        tally.bytesIn += c.content().readableBytes();
        lastProgressNanos = System.nanoTime();
        if (limits.maxBodySize() > 0 && tally.bytesIn > limits.maxBodySize()) {
            c.release();
            reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body exceeds max-body-size " + limits.maxBodySize());
            return;
        }
        boolean last = c instanceof LastHttpContent;
        requestComplete |= last;
        if (upstream == null) {
            // Bounded by one read: the client is not read again until the connection is there.
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(c);
            return;
        }
        Channel ch = upstream.channel();
        if (!headSent) {
            ch.write(request, ch.voidPromise());
            headSent = true;
        }
        // Void promises: a failed write fires exceptionCaught, which closes that side; no future per chunk.
        ch.write(c, ch.voidPromise());
        if (last) {
            armResponseTimer();
        }
    }

    /** Called when the client's read batch ends: push what it gave us. */
    void flushUpstream() {
        if (upstream != null && !done) {
            upstream.channel().flush();
        }
    }

    /** True when the request body is still coming and the upstream can take more of it now. */
    boolean wantsClientData() {
        return !done && !requestComplete && upstream != null && upstream.channel().isWritable();
    }

    void upstreamWritabilityChanged() {
        if (wantsClientData()) {
            front.readMore();
        }
    }

    void upstreamRead(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            responseHead(r);
        }
        if (msg instanceof HttpContent c) {
            responseContent(c);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void responseHead(HttpResponse r) {
        if (r.decoderResult().isFailure()) {
            upstreamReusable = false;
            fail(HttpResponseStatus.BAD_GATEWAY, Outcome.Kind.RESET, "invalid response from upstream " + endpoint + ": "
                    + r.decoderResult().cause().getMessage());
            return;
        }
        int code = r.status().code();
        if (code >= 100 && code < 200 && !(code == 101 && upgrading)) {
            skipInformationalEnd = true; // 100/103 from the upstream: the final answer follows
            return;
        }
        cancelResponseTimer();
        responseStarted = true;
        tally.status = code;
        tally.firstByte();
        if (code == 101) {
            switchToTunnel(r);
            return;
        }
        prepareResponse(r);
        client.write(r, client.voidPromise());
    }

    private void responseContent(HttpContent c) {
        if (done) {
            c.release();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (skipInformationalEnd) {
            skipInformationalEnd = !last;
            c.release();
            return;
        }
        if (c.decoderResult().isFailure()) {
            c.release();
            upstreamReusable = false;
            fail(HttpResponseStatus.BAD_GATEWAY, Outcome.Kind.RESET, "broken response body from upstream " + endpoint);
            return;
        }
        tally.bytesOut += c.content().readableBytes();
        lastProgressNanos = System.nanoTime();
        client.write(c, client.voidPromise());
        if (last) {
            finish();
        }
    }

    private void prepareResponse(HttpResponse r) {
        // The rest of a request body cannot be skipped safely, so an early answer ends the connection.
        boolean mustClose = !requestComplete || front.draining();
        HttpVersion upstreamVersion = r.protocolVersion();
        int answer = ForwardHeaders.forClient(r, http10, headRequest, mustClose || !keepAliveClient);
        upstreamReusable = ForwardHeaders.persistent(upstreamVersion, answer);
        closeClientAfter |= (answer & ForwardHeaders.CLIENT_CLOSE) != 0;
        HttpHeaders h = r.headers();
        if (decision.rollout().explain()) {
            h.set(ForwardHeaders.X_FADER_DECISION, decision.explainHeader(table.epoch()));
        }
        if (decision.newUserId() != null) {
            h.add(HttpHeaderNames.SET_COOKIE, CompiledRollout.ANONYMOUS_COOKIE + "=" + decision.newUserId()
                    + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
        }
    }

    void upstreamReadComplete() {
        if (done) {
            return;
        }
        client.flush();
        if (client.channel().isWritable()) {
            upstream.channel().read();
        }
    }

    /** The client drained its backlog: read more of the response. */
    void clientWritable() {
        if (!done && upstream != null) {
            upstream.channel().read();
        }
    }

    void upstreamFailed(Throwable cause) {
        front.logUpstreamError(endpoint, cause);
    }

    void upstreamClosed() {
        if (done) {
            return;
        }
        UpstreamHandler closed = upstream;
        upstream = null;
        if (!responseStarted && resendable && requestComplete && !resetRetried) {
            // Nothing came back and the request is idempotent without a body: one more try is safe,
            // typically a pooled connection the upstream closed as we wrote to it.
            resetRetried = true;
            cancelResponseTimer();
            acquire(closed == null ? null : closed.endpoint());
            return;
        }
        fail(HttpResponseStatus.BAD_GATEWAY, Outcome.Kind.RESET, "upstream " + endpoint + " closed the connection"
                + (responseStarted ? " mid-response" : " before responding"));
    }

    void clientGone() {
        if (done) {
            return;
        }
        done = true;
        cancelTimers();
        releasePending();
        closeUpstream();
        record(Outcome.Kind.CLIENT_ABORT);
    }

    private void armResponseTimer() {
        if (responseDeadline == 0 && !responseStarted && !done) {
            responseDeadline = System.nanoTime() + limits.responseTimeout().toNanos();
        }
    }

    private void cancelResponseTimer() {
        responseDeadline = 0;
    }

    private void cancelTimers() {
        responseDeadline = 0;
    }

    private void responseTimedOut() {
        if (!done && !responseStarted) {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT, Outcome.Kind.TIMEOUT, "upstream " + endpoint
                    + " did not answer within " + dev.fader.config.Durations.format(limits.responseTimeout()));
        }
    }

    private void finish() {
        done = true;
        cancelTimers();
        UpstreamHandler u = upstream;
        upstream = null;
        if (u != null) {
            if (upstreamReusable && requestComplete) {
                front.loopPool().release(u);
            } else {
                u.bind(null);
                u.channel().close();
            }
        }
        record(Outcome.Kind.ofStatus(tally.status)); // before the client can see the end of the response
        client.flush(); // the upstream's read-complete will not reach us any more
        front.exchangeDone(keepAliveClient && !closeClientAfter);
    }

    /** Ends the exchange with an error: an answer of our own if none started, else a closed connection. */
    private void fail(HttpResponseStatus answer, Outcome.Kind kind, String reason) {
        if (done) {
            return;
        }
        done = true;
        cancelTimers();
        releasePending();
        closeUpstream();
        front.logFailure(tally.requestId, reason);
        if (responseStarted) {
            record(kind);
            front.exchangeDone(false);
            client.close();
            return;
        }
        tally.status = answer.code();
        // A bodiless request is complete once its head is in, even if its empty last part is still queued.
        boolean close = (!requestComplete && !bodiless) || !keepAliveClient || front.draining();
        record(kind);
        client.writeAndFlush(Responses.error(client.alloc(), answer, reason, close));
        front.exchangeDone(!close);
    }

    /** Refuses the request before any upstream sees it. */
    private void reject(HttpResponseStatus answer, String reason) {
        if (decision == null && tally.requestId == null) {
            tally.requestId = request.headers().get(ForwardHeaders.X_REQUEST_ID);
        }
        fail(answer, Outcome.Kind.ofStatus(answer.code()), reason);
    }

    private void switchToTunnel(HttpResponse r) {
        ForwardHeaders.stripHopByHop(r.headers(), true);
        ForwardHeaders.addVia(r.headers(), false);
        done = true;
        cancelTimers();
        UpstreamHandler u = upstream;
        upstream = null;
        u.bind(null);
        record(Outcome.Kind.ofStatus(101));
        front.upgrade(r, u.channel());
    }

    private void closeUpstream() {
        UpstreamHandler u = upstream;
        upstream = null;
        if (u != null) {
            u.bind(null);
            u.channel().close();
        }
    }

    private void releasePending() {
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                c.release();
            }
            pending = null;
        }
    }

    private void record(Outcome.Kind kind) {
        if (endpoint != null && kind != Outcome.Kind.CONNECT_ERROR && kind != Outcome.Kind.CLIENT_ABORT) {
            // connect errors were reported as they happened, once per endpoint tried
            if (kind.isError()) {
                front.loopPool().outliers().failure(endpoint, pool);
            } else {
                front.loopPool().outliers().success(endpoint);
            }
        }
        front.record(tally.outcome(kind, decision, endpoint == null ? "" : front.loopPool().label(endpoint),
                connectRetried || resetRetried));
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS);
    }
}
