package dev.fader.proxy;

import dev.fader.wire.RequestHead;

/**
 * What one request's head says about how to carry it, read once before anything else happens.
 * {@code contentLength} is -1 when absent; {@code bodiless}: no chunked body and no positive length;
 * {@code resendable}: bodiless and idempotent, so a connection that died before any answer may be retried.
 */
record RequestFacts(boolean http10, boolean head, boolean upgrade, boolean chunked, long contentLength,
        boolean bodiless, boolean resendable, boolean keepAlive) {

    static RequestFacts of(RequestHead r) {
        boolean bodiless = !r.chunked() && r.contentLength() <= 0;
        boolean idempotent = r.methodIs("GET") || r.methodIs("HEAD") || r.methodIs("OPTIONS");
        return new RequestFacts(r.http10(), r.methodIs("HEAD"), r.upgrade(), r.chunked(), r.contentLength(),
                bodiless, bodiless && idempotent, r.keepAlive());
    }
}
