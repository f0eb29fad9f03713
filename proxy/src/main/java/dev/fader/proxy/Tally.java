package dev.fader.proxy;

import dev.fader.config.JudgeConfig;
import dev.fader.config.ShadowConfig;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.observe.AnswerReader;
import dev.fader.routing.RandomIds;
import dev.fader.routing.RouteDecision;
import dev.fader.wire.Field;
import dev.fader.wire.RequestHead;
import dev.fader.wire.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one request measured on its way through (timing, sizes, status, where it went), handed to the
 * outcome sink as an {@link Outcome} when the exchange ends: the first {@link ResponseObserver}. For a
 * rollout with {@code observe: openai} it hands the answer's bytes, in place, to an {@link AnswerReader}
 * (and, for answers sampled for a judge, a bounded copy of the request body).
 */
final class Tally implements ResponseObserver {
    private final OutcomeSink sink;
    private final Channel client;
    // Reused by its exchange for the connection's next request: begin() sets every field below again.
    long startNanos;
    private long startMillis;
    private RequestHead request;
    private String method;
    private String path;
    String host;
    String requestId;
    String answerId; // Fader's own id of a model answer (observe rollouts): what feedback names, never the client's
    int status;
    long bytesIn;
    private long firstByteNanos;
    private long bytesOut;
    private RouteDecision decision;
    private String upstream;
    private String endpoint;
    private boolean fallback;
    private boolean triedFallback;
    private Outcome.Kind variantFailure; // the variant's own pool failed to connect; another pool may have served
    private boolean retried;
    private AnswerReader answer;
    private MirrorCapture mirror;

    Tally(OutcomeSink sink, Channel client) {
        this.sink = sink;
        this.client = client;
    }

    /** Starts measuring a new request; until it is routed, its id is the one it came with (or none). */
    void begin(RequestHead request) {
        startNanos = System.nanoTime();
        startMillis = System.currentTimeMillis();
        this.request = request;
        method = request.method();
        String uri = request.target();
        int q = uri.indexOf('?');
        path = q < 0 ? uri : uri.substring(0, q);
        String rawHost = request.host();
        host = rawHost == null ? "" : rawHost; // normalized only where printed, off the event loop
        requestId = null; // set once routed (prepareRequest reads the client's, or makes one)
        answerId = null;
        status = 0;
        bytesIn = bytesOut = 0;
        firstByteNanos = -1;
        decision = null;
        upstream = endpoint = "";
        fallback = triedFallback = retried = false;
        variantFailure = null;
        answer = null;
        mirror = null;
    }

    /** The id this request goes by once routed; before that (a refusal) the one it came with, or null. */
    String requestId() {
        return requestId != null ? requestId : request.get(Field.X_REQUEST_ID);
    }

    void routed(RouteDecision d) {
        decision = d;
        upstream = d.upstream();
        if (d.rollout().config().observeOpenAi()) {
            JudgeConfig judge = d.rollout().config().judge();
            boolean sampled = judge != null && ThreadLocalRandom.current().nextInt(10_000) < judge.sampleBasisPoints();
            answer = new AnswerReader(startNanos, sampled ? judge.maxBytes() : 0);
            answerId = RandomIds.hex128();
        }
        ShadowConfig shadow = d.rollout().config().shadow();
        if (shadow != null && shadow.copies(d.bucket(), method, path)) {
            mirror = new MirrorCapture(shadow, request, request.target(), client);
        }
    }

    void requestContent(ByteBuf part) {
        bytesIn += part.readableBytes();
        if (answer != null) {
            answer.request(part);
        }
        if (mirror != null) {
            mirror.request(part);
        }
    }

    /**
     * The pool and endpoint that took the request; {@code viaFallback}: the baseline's, for lack of the
     * variant's own; {@code primaryFailure}: how the variant's own pool failed first, or null.
     */
    void servedBy(String pool, String endpointLabel, boolean viaFallback, Failure primaryFailure, boolean afterRetry) {
        upstream = pool;
        endpoint = endpointLabel;
        fallback = viaFallback;
        unserved(primaryFailure, viaFallback);
        retried |= afterRetry;
    }

    /** True when the baseline's pool serves, for lack of the variant's own. */
    boolean fallback() {
        return fallback;
    }

    /** What came of the variant's own pool when no connection could be had, or before another pool served. */
    void unserved(Failure primaryFailure, boolean viaFallback) {
        variantFailure = primaryFailure == null ? null : primaryFailure.kind;
        triedFallback = viaFallback;
    }

    @Override
    public void head(ResponseHead head) {
        status = head.status();
        firstByteNanos = System.nanoTime() - startNanos;
        if (answer != null) {
            answer.head(status, head.get(Field.CONTENT_TYPE), head.get(Field.CONTENT_ENCODING));
        }
        if (mirror != null) {
            mirror.head(head);
        }
    }

    @Override
    public void content(ByteBuf part) {
        bytesOut += part.readableBytes();
        if (answer != null) {
            answer.content(part, System.nanoTime());
        }
        if (mirror != null) {
            mirror.answer(part);
        }
    }

    /** Records the outcome, counted against the variant as {@link #blame} says. */
    @Override
    public void end(Outcome.Kind answered) {
        Outcome.Kind kind = blame(answered);
        RouteDecision d = decision;
        Outcome.Route route = d == null ? Outcome.Route.NONE : new Outcome.Route(d.rollout().name(), d.variant(),
                d.layer(), d.bucket(), d.keyHash(), d.userTag(), upstream, endpoint, fallback, answer == null ? -1 : d.share());
        sink.record(new Outcome(new Outcome.Request(startMillis, requestId(), method, host, path, answerId), route, kind, status,
                firstByteNanos, System.nanoTime() - startNanos, bytesIn, bytesOut, retried,
                answer == null ? null : answer.finish(),
                mirror == null ? null : mirror.finish(kind.ordinal() <= Outcome.Kind.S5XX.ordinal() && !fallback)));
    }

    /**
     * What the variant's own upstream is charged with: a client abort is nobody's; a connect failure of
     * its pool is its own even when the baseline then served; a request its pool could not take at all
     * is a {@code fallback}; otherwise the answer it gave.
     */
    private Outcome.Kind blame(Outcome.Kind answered) {
        if (answered == Outcome.Kind.CLIENT_ABORT) {
            return answered;
        }
        if (variantFailure != null) {
            return variantFailure;
        }
        return triedFallback ? Outcome.Kind.FALLBACK : answered;
    }
}
