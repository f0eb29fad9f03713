package dev.fader.proxy;

import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.RouteDecision;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What one request measured on its way through (timing, sizes, status, where it went), handed to the
 * outcome sink as an {@link Outcome} when the exchange ends: the first {@link ResponseObserver}.
 */
final class Tally implements ResponseObserver {
    final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final OutcomeSink sink;
    private final String method;
    private final String path;
    String host = "";
    String requestId;
    int status;
    long bytesIn;
    private long firstByteNanos = -1;
    private long bytesOut;
    private RouteDecision decision;
    private String upstream = "";
    private String endpoint = "";
    private boolean fallback;
    private boolean retried;

    Tally(HttpRequest request, OutcomeSink sink) {
        this.sink = sink;
        this.method = request.method().name();
        String uri = request.uri();
        int q = uri.indexOf('?');
        this.path = q < 0 ? uri : uri.substring(0, q);
    }

    void routed(RouteDecision d) {
        decision = d;
        upstream = d.upstream();
    }

    /** The pool and endpoint that took the request; {@code fallback}: the baseline's, for lack of the variant's own. */
    void servedBy(String pool, String endpointLabel, boolean viaFallback, boolean afterRetry) {
        upstream = pool;
        endpoint = endpointLabel;
        fallback = viaFallback;
        retried |= afterRetry;
    }

    @Override
    public void head(HttpResponse head) {
        status = head.status().code();
        firstByteNanos = System.nanoTime() - startNanos;
    }

    @Override
    public void content(HttpContent part) {
        bytesOut += part.content().readableBytes();
    }

    @Override
    public void end(Outcome.Kind kind) {
        RouteDecision d = decision;
        Outcome.Route route = d == null ? Outcome.Route.NONE : new Outcome.Route(d.rollout().name(), d.variant(),
                d.layer(), d.bucket(), d.keyHash(), upstream, endpoint, fallback);
        sink.record(new Outcome(new Outcome.Request(startMillis, requestId, method, host, path), route, kind, status,
                firstByteNanos, System.nanoTime() - startNanos, bytesIn, bytesOut, retried));
    }
}
