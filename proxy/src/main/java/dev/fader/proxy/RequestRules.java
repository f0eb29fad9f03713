package dev.fader.proxy;

import dev.fader.wire.Field;
import dev.fader.wire.RequestHead;

/** Checks of a request head that are the server's to make rather than the framing's. */
final class RequestRules {
    private RequestRules() {
    }

    /** RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host field. Null when fine, else why not. */
    static String host(RequestHead request) {
        int first = request.find(Field.HOST, 0);
        if (first >= 0 && request.find(Field.HOST, first + 1) >= 0) {
            return "more than one Host header";
        }
        if (first < 0 && !request.http10()) {
            return "missing Host header (required in HTTP/1.1)";
        }
        return null;
    }

    /** What a request's Expect field asks of us (RFC 9110 section 10.1.1). */
    enum Expectation { NONE, CONTINUE, UNSUPPORTED }

    /**
     * 100-continue from an HTTP/1.1 client is honoured; any other expectation may be answered 417; an
     * HTTP/1.0 client's Expect is ignored, as the RFC requires.
     */
    static Expectation expectation(RequestHead request) {
        int i = request.find(Field.EXPECT, 0);
        if (i < 0 || request.http10()) {
            return Expectation.NONE;
        }
        return request.valueIs(i, "100-continue") ? Expectation.CONTINUE : Expectation.UNSUPPORTED;
    }
}
