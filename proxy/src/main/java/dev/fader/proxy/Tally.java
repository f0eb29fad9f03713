package dev.fader.proxy;

import dev.fader.feedback.Outcome;
import dev.fader.routing.RouteDecision;
import io.netty.handler.codec.http.HttpRequest;

/** What one request measured on its way through (timing, sizes, status), made into an {@link Outcome} at the end. */
final class Tally {
    final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final String method;
    private final String path;
    String host = "";
    String requestId;
    int status;
    long firstByteNanos = -1;
    long bytesIn;
    long bytesOut;

    Tally(HttpRequest request) {
        this.method = request.method().name();
        String uri = request.uri();
        int q = uri.indexOf('?');
        this.path = q < 0 ? uri : uri.substring(0, q);
    }

    void firstByte() {
        firstByteNanos = System.nanoTime() - startNanos;
    }

    Outcome outcome(Outcome.Kind kind, RouteDecision d, String endpoint, boolean retried) {
        return new Outcome(startMillis, requestId, method, host, path, status, kind,
                d == null ? "" : d.rollout().name(), d == null ? "" : d.variant(), d == null ? "" : d.layer(),
                d == null ? -1 : d.bucket(), d == null ? 0 : d.keyHash(),
                d == null || d.upstream() == null ? "" : d.upstream(), endpoint, firstByteNanos,
                System.nanoTime() - startNanos, bytesIn, bytesOut, retried);
    }
}
