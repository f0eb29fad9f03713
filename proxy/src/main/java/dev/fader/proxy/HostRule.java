package dev.fader.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/** RFC 9112 section 3.2: an HTTP/1.1 request carries exactly one Host field. */
final class HostRule {
    private HostRule() {
    }

    /** Null when the request is fine, else why it must be refused with 400. */
    static String check(HttpRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            return "missing Host header (required in HTTP/1.1)";
        }
        return null;
    }
}
