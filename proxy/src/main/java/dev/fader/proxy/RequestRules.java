package dev.fader.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;

/** Checks of a request head that Netty's decoder leaves to the server. */
final class RequestRules {
    private RequestRules() {
    }

    /** RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host field. Null when fine, else why not. */
    static String host(HttpRequest request) {
        int hosts = 0;
        for (Iterator<? extends CharSequence> it = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST); it.hasNext();) {
            it.next();
            hosts++;
        }
        if (hosts > 1) {
            return "more than one Host header";
        }
        if (hosts == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
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
    static Expectation expectation(HttpRequest request) {
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (expect == null || !request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return Expectation.NONE;
        }
        return HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim()) ? Expectation.CONTINUE
                : Expectation.UNSUPPORTED;
    }
}
