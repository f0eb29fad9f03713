package dev.fader.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/** Checks of a request head that Netty's decoder leaves to the server. */
final class RequestRules {
    private RequestRules() {
    }

    /** RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host field. Null when fine, else why not. */
    static String host(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return "missing Host header (required in HTTP/1.1)";
        }
        return null;
    }

    /** RFC 9110 section 10.1.1: an Expect other than 100-continue may be answered 417. */
    static boolean unsupportedExpect(HttpRequest request) {
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim());
    }
}
