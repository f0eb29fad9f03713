package dev.fader.proxy;

import dev.fader.config.Durations;
import dev.fader.config.ProxyLimits;
import dev.fader.config.UpstreamConfig;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.wire.BodyWriter;
import dev.fader.wire.Http1Decoder;
import dev.fader.wire.Malformed;
import dev.fader.wire.RequestHead;
import dev.fader.wire.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from the client to an upstream and its answer back, on the client's event loop. It reads
 * in the order a request lives: {@link #start} checks and routes it and asks the pool for a connection;
 * {@link #leased} sends the head, {@link #clientContent} streams the body; {@link #upstreamRead} relays
 * the answer, shown first to the {@link ResponseObserver}; {@link #finish} or {@link #fail} ends it
 * through the one teardown, {@link #end}. Every answer of Fader's own comes from the {@link Failure} table.
 */
final class Exchange implements LoopPool.Lessee {
    /** Where the exchange is; the request body's progress ({@code requestComplete}) runs alongside. */
    enum Phase { CONNECTING, FORWARDING, RESPONDING, DONE }

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    private final ClientConnection connection;
    private final ChannelHandlerContext client;
    private final LoopPool pool;
    // One exchange object serves its connection's requests in turn (they never overlap: the decoder holds a
    // pipelined request back), so the tally, body writers and held parts below are reused, not reallocated.
    private final Tally tally; // the first ResponseObserver
    private final BodyWriter upstreamBody = new BodyWriter();
    private final BodyWriter clientBody = new BodyWriter();
    private final HeldBody held = new HeldBody();
    private int generation; // counts the requests served; a connect finishing for an earlier one is refused
    private RequestHead request;
    private RoutingTable table;
    private ProxyLimits limits;
    private RequestFacts facts;
    private String target, peerIp; // the origin-form target and the client's address, for the head
    private RouteDecision decision;
    private Phase phase = Phase.DONE;
    private int attempts;
    private UpstreamHandler upstream;
    private UpstreamConfig servedBy;
    private boolean requestComplete, headSent, upstreamReusable, closeClientAfter;
    private long responseDeadline, lastProgressNanos;

    Exchange(ClientConnection connection, ChannelHandlerContext client, LoopPool pool, OutcomeSink sink) {
        this.connection = connection;
        this.client = client;
        this.pool = pool;
        this.tally = new Tally(sink, client.channel());
    }

    /**
     * Takes the connection's next request (every per-request field starts over), checks its head against
     * the limits, routes it, marks what the upstream must not get, and asks for a connection. Returns the
     * request's generation: the caller can tell whether this object has moved on to a later request.
     */
    int start(RequestHead request, RequestFacts facts, RoutingTable table, NettyRequestView view,
            boolean continueAnswered) {
        this.request = request;
        this.facts = facts;
        this.table = table;
        this.limits = table.config().limits();
        tally.begin(request);
        target = peerIp = null;
        decision = null;
        phase = Phase.CONNECTING;
        attempts = 0; // upstream is null and the response deadline 0 since the last end()
        requestComplete = headSent = upstreamReusable = closeClientAfter = false;
        lastProgressNanos = tally.startNanos;
        int served = ++generation;
        if (limits.maxBodySize() > 0 && facts.contentLength() > limits.maxBodySize()) {
            fail(Failure.BODY_TOO_LARGE, facts.contentLength() + " bytes (expected: at most max-body-size "
                    + limits.maxBodySize() + ")");
            return served;
        }
        decision = table.decide(view);
        if (decision == null) {
            fail(Failure.NO_ROUTE, "host '" + view.host() + "' and path '" + view.path() + "'");
            return served;
        }
        tally.routed(decision);
        tally.requestId = ForwardHeaders.prepareRequest(request, facts.upgrade(), continueAnswered, decision.rollout().forceField());
        target = view.uri();
        peerIp = view.peerIp();
        connect(null);
        return served;
    }

    private void connect(UpstreamHandler failed) {
        phase = Phase.CONNECTING;
        attempts++;
        pool.acquire(decision.route(), failed == null ? null : failed.endpoint(), limits, this);
    }

    @Override
    public void leased(UpstreamHandler h, UpstreamConfig servingPool, boolean viaFallback, Failure primaryFailure,
            int failedConnects) {
        phase = Phase.FORWARDING;
        upstream = h;
        servedBy = servingPool;
        tally.servedBy(servingPool.name(), pool.label(h.endpoint()), viaFallback, primaryFailure,
                failedConnects > 0 || attempts > 1);
        h.bind(this);
        h.decoder().expectResponse(facts.head());
        upstreamBody.start(facts.chunked());
        Channel ch = upstream.channel();
        // The head waits for the first body part (or the end): a body that fails to decode in the same
        // read is then refused before the upstream has seen anything of the request.
        if (!held.isEmpty() || requestComplete) {
            writeHead(ch);
        }
        held.writeTo(ch, upstreamBody);
        if (requestComplete) {
            upstreamBody.end(ch, ch.alloc());
        }
        ch.flush();
        ch.read();
        if (requestComplete) {
            armResponseTimer();
        } else {
            connection.readMore();
        }
    }

    /** The head as the upstream gets it; after a fallback the baseline's pool is told the baseline variant. */
    private void writeHead(Channel ch) {
        String variant = tally.fallback() ? decision.rollout().baseline() : decision.variant();
        ch.write(ForwardHeaders.writeRequest(ch.alloc(), request, target, facts.upgrade(), peerIp, tally.requestId,
                variant, decision.rollout().name()), ch.voidPromise());
        headSent = true;
    }

    @Override
    public void unavailable(Failure failure, String detail, Failure primaryFailure, boolean viaFallback,
            int failedConnects) {
        tally.unserved(primaryFailure, viaFallback);
        fail(failure, detail);
    }

    @Override
    public int ticket() {
        return generation;
    }

    @Override
    public boolean abandoned(int ticket) {
        return ticket != generation || phase == Phase.DONE;
    }

    void clientContent(ByteBuf c) {
        if (phase == Phase.DONE) {
            c.release();
            return;
        }
        tally.requestContent(c);
        lastProgressNanos = System.nanoTime();
        if (limits.maxBodySize() > 0 && tally.bytesIn > limits.maxBodySize()) {
            c.release();
            fail(Failure.BODY_TOO_LARGE, "more than max-body-size " + limits.maxBodySize() + " bytes");
            return;
        }
        if (upstream == null) {
            held.add(c);
            return;
        }
        Channel ch = upstream.channel();
        if (!headSent) {
            writeHead(ch);
        }
        upstreamBody.write(ch, c);
    }

    /** The request is complete. */
    void clientEnd() {
        requestComplete = true;
        if (phase == Phase.DONE || upstream == null) {
            return;
        }
        Channel ch = upstream.channel();
        if (!headSent) {
            writeHead(ch);
        }
        upstreamBody.end(ch, ch.alloc());
        armResponseTimer();
    }

    /** The client's request broke a framing rule mid-body. */
    void clientMalformed(Malformed m) {
        fail(Failure.MALFORMED, "body: " + m.detail());
    }

    /** The client's read batch ended: push what it gave us. */
    void flushUpstream() {
        if (upstream != null && phase != Phase.DONE) {
            upstream.channel().flush();
        }
    }

    /** True when the request body is still coming and the upstream can take more of it now. */
    boolean wantsClientData() {
        return phase != Phase.DONE && !requestComplete && upstream != null && upstream.channel().isWritable();
    }

    void upstreamWritabilityChanged() {
        if (wantsClientData()) {
            connection.readMore();
        }
    }

    void upstreamRead(Object msg) {
        if (phase == Phase.DONE) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof ByteBuf data) {
            responseContent(data);
        } else if (msg instanceof ResponseHead r) {
            responseHead(r);
        } else if (msg == Http1Decoder.END) {
            clientBody.end(client, client.alloc());
            finish();
        } else if (msg instanceof Malformed m) {
            fail(Failure.BAD_RESPONSE, "from " + upstream.endpoint() + ": " + m.detail());
        }
    }

    private void responseHead(ResponseHead r) {
        int code = r.status();
        if (code >= 100 && code < 200 && !(code == 101 && facts.upgrade())) {
            return; // 100/103 from the upstream: the final answer follows
        }
        responseDeadline = 0;
        phase = Phase.RESPONDING;
        tally.head(r);
        if (code == 101) {
            switchToTunnel(r);
            return;
        }
        // The rest of a request body cannot be skipped safely, so an early answer ends the connection.
        boolean mustClose = !requestComplete || connection.draining();
        upstreamReusable = r.persistent();
        ByteBuf head = client.alloc().buffer(dev.fader.wire.HeadWriter.sizeHint(r));
        int answer = ForwardHeaders.writeResponse(head, r, facts.http10(), facts.head(), mustClose || !facts.keepAlive(),
                decision, table.epoch(), tally.requestId, tally.answerId);
        closeClientAfter |= (answer & ForwardHeaders.CLIENT_CLOSE) != 0;
        clientBody.start((answer & ForwardHeaders.CLIENT_CHUNKED) != 0);
        if ((answer & ForwardHeaders.CLIENT_CHUNKED) != 0 && r.chunked()) {
            upstream.decoder().relayChunks();
        }
        client.write(head, client.voidPromise());
    }

    private void responseContent(ByteBuf c) {
        lastProgressNanos = System.nanoTime();
        int framed = upstream.decoder().framedOffset();
        if (framed < 0) {
            tally.content(c);
            clientBody.write(client, c);
            return;
        }
        int r = c.readerIndex(), w = c.writerIndex(); // a whole chunk with its framing: observers see its data
        tally.content(c.setIndex(r + framed, r + framed + upstream.decoder().framedLength()));
        clientBody.writeFramed(client, c.setIndex(r, w));
    }

    void upstreamReadComplete() {
        if (phase == Phase.DONE) {
            return;
        }
        client.flush();
        if (client.channel().isWritable()) {
            upstream.channel().read();
        }
    }

    /** The client drained its backlog: read more of the response. */
    void clientWritable() {
        if (phase != Phase.DONE && upstream != null) {
            upstream.channel().read();
        }
    }

    void upstreamClosed() {
        if (phase == Phase.DONE) {
            return;
        }
        if (phase == Phase.FORWARDING && facts.resendable() && requestComplete && attempts < 2) {
            // Nothing came back and the request is idempotent without a body: one more try is safe,
            // typically a pooled connection the upstream closed as we wrote to it.
            UpstreamHandler closed = upstream;
            upstream = null;
            closed.bind(null);
            responseDeadline = 0;
            connect(closed);
            return;
        }
        fail(Failure.UPSTREAM_CLOSED, "upstream " + upstream.endpoint()
                + (phase == Phase.RESPONDING ? " mid-response" : " before responding"));
    }

    /** Called by the connection's watchdog: the response deadline, and bodies that stopped moving. */
    void checkDeadlines(long now) {
        if (phase == Phase.DONE) {
            return;
        }
        if (responseDeadline != 0 && now - responseDeadline >= 0) {
            responseDeadline = 0;
            fail(Failure.RESPONSE_TIMEOUT, "upstream " + upstream.endpoint() + " within response-timeout "
                    + Durations.format(limits.responseTimeout()));
            return;
        }
        if (upstream == null || now - lastProgressNanos < limits.bodyTimeout().toNanos()) {
            return;
        }
        String bodyTimeout = "for body-timeout " + Durations.format(limits.bodyTimeout());
        if (!requestComplete) {
            fail(Failure.BODY_STALLED, bodyTimeout);
        } else if (phase == Phase.RESPONDING && !client.channel().isWritable()) {
            // We stopped reading the upstream because the client does not take the response: its stall.
            fail(Failure.CLIENT_STALLED, bodyTimeout);
        } else if (phase == Phase.RESPONDING) {
            fail(Failure.UPSTREAM_STALLED, "upstream " + upstream.endpoint() + " mid-response " + bodyTimeout);
        }
    }

    void clientGone() {
        if (phase != Phase.DONE) {
            end(Outcome.Kind.CLIENT_ABORT, false);
        }
    }

    private void armResponseTimer() {
        if (responseDeadline == 0 && phase == Phase.FORWARDING) {
            responseDeadline = System.nanoTime() + limits.responseTimeout().toNanos();
        }
    }

    private void finish() {
        end(Outcome.Kind.ofStatus(tally.status), upstreamReusable && requestComplete);
        client.flush(); // the upstream's read-complete will not reach us any more
        connection.exchangeDone(facts.keepAlive() && !closeClientAfter);
    }

    /** Ends the exchange with an error: an answer of our own if none started, else a closed connection. */
    private void fail(Failure failure, String detail) {
        if (phase == Phase.DONE) {
            return;
        }
        log.warn("request {} failed: {}: {}", tally.requestId(), failure.what, detail);
        if (phase == Phase.RESPONDING) {
            end(failure.kind, false);
            connection.exchangeDone(false);
            client.close();
            return;
        }
        tally.status = failure.status.code();
        // A bodiless request is complete once its head is in, even if its empty last part is still queued.
        boolean close = (!requestComplete && !facts.bodiless()) || !facts.keepAlive() || connection.draining();
        end(failure.kind, false);
        client.writeAndFlush(Responses.error(client.alloc(), failure.status, failure.what + ": " + detail, close));
        connection.exchangeDone(!close);
    }

    private void switchToTunnel(ResponseHead r) {
        ByteBuf head = ForwardHeaders.writeSwitch(client.alloc(), r);
        UpstreamHandler u = upstream;
        upstream = null;
        u.bind(null);
        end(Outcome.Kind.ofStatus(101), false);
        connection.upgraded(head, u.channel());
    }

    /**
     * The one teardown: the upstream connection goes back to the pool (which reports how the endpoint
     * answered to outlier detection) or is closed, held body parts are released, and the observer is told
     * how it ended.
     */
    private void end(Outcome.Kind answered, boolean keepUpstream) {
        phase = Phase.DONE;
        responseDeadline = 0;
        held.release();
        UpstreamHandler u = upstream;
        upstream = null;
        if (u != null) {
            pool.finished(u, servedBy, answered, keepUpstream, limits);
        }
        tally.end(answered);
    }
}
