package dev.fader.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * What one request's head says about how to carry it, read once before anything else happens.
 * {@code contentLength} is -1 when absent; {@code bodiless}: no chunked body and no positive length;
 * {@code resendable}: bodiless and idempotent, so a connection that died before any answer may be retried.
 */
record RequestFacts(boolean http10, boolean head, boolean upgrade, boolean chunked, long contentLength,
        boolean bodiless, boolean resendable, boolean keepAlive) {

    static RequestFacts of(HttpRequest request) {
        HttpHeaders h = request.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        long length = HttpUtil.getContentLength(request, -1L);
        boolean bodiless = !chunked && length <= 0;
        HttpMethod m = request.method();
        boolean idempotent = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS);
        boolean upgrade = h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        return new RequestFacts(request.protocolVersion().equals(HttpVersion.HTTP_1_0), m.equals(HttpMethod.HEAD),
                upgrade, chunked, length, bodiless, bodiless && idempotent, HttpUtil.isKeepAlive(request));
    }
}
