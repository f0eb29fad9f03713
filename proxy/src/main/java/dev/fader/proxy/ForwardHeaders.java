package dev.fader.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import dev.fader.routing.RouteDecision;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rules of a forwarding proxy (RFC 9110 section 7.6): hop-by-hop fields, including any named in
 * Connection, stop here; X-Forwarded-*, Via and X-Request-Id are added on the way in.
 */
final class ForwardHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_FADER_VARIANT = AsciiString.cached("x-fader-variant");
    static final AsciiString X_FADER_ROLLOUT = AsciiString.cached("x-fader-rollout");
    static final AsciiString X_FADER_DECISION = AsciiString.cached("x-fader-decision");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final AsciiString VIA_11 = AsciiString.cached("1.1 fader");
    static final AsciiString VIA_10 = AsciiString.cached("1.0 fader");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ForwardHeaders() {
    }

    /** Removes hop-by-hop fields; keeps Upgrade (and a Connection: upgrade) only when {@code upgrading}. */
    static void stripHopByHop(HttpHeaders h, boolean upgrading) {
        List<String> named = null;
        // Every Connection field counts (a second one may name more hop-by-hop fields); none, no list.
        for (String value : h.contains(HttpHeaderNames.CONNECTION) ? h.getAll(HttpHeaderNames.CONNECTION)
                : List.<String>of()) {
            for (String token : value.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    if (named == null) {
                        named = new ArrayList<>(2);
                    }
                    named.add(t);
                }
            }
        }
        if (named != null) {
            for (String name : named) {
                if (!(upgrading && HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name))) {
                    h.remove(name);
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        if (upgrading) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            h.remove(HttpHeaderNames.UPGRADE);
        }
    }

    /**
     * Rewrites a client request head for the upstream (origin-form target, HTTP/1.1, chunked framing kept,
     * forwarding and decision headers added) and returns its request id.
     */
    static String forUpstream(HttpRequest r, RouteDecision decision, String peerIp, boolean upgrading,
            boolean chunked) {
        HttpHeaders h = r.headers();
        boolean http10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0);
        stripHopByHop(h, upgrading);
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        String id = addForwarding(h, peerIp);
        addVia(h, http10);
        h.set(X_FADER_VARIANT, decision.variant());
        h.set(X_FADER_ROLLOUT, decision.rollout().name());
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        r.setUri(NettyRequestView.originForm(r.uri()));
        return id;
    }

    /**
     * Rewrites an upstream response head for the client: hop-by-hop fields out, Via in, framing redone
     * (chunked for HTTP/1.1 clients when the length is unknown) and the keep-alive answer set. Returns
     * true when the client connection must close after this response.
     */
    static boolean forClient(HttpResponse r, boolean http10, boolean headRequest, boolean close) {
        HttpHeaders h = r.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(r);
        boolean sized = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        int code = r.status().code();
        stripHopByHop(h, false);
        addVia(h, false);
        boolean bodiless = code == 204 || code == 304;
        if (!sized && !bodiless && (chunked || !headRequest)) {
            if (http10) {
                close = true; // an HTTP/1.0 client learns where the body ends from the close
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        return close;
    }

    static void addVia(HttpHeaders h, boolean http10) {
        AsciiString self = http10 ? VIA_10 : VIA_11;
        String prior = h.get(HttpHeaderNames.VIA);
        if (prior == null) {
            h.set(HttpHeaderNames.VIA, self);
        } else {
            h.set(HttpHeaderNames.VIA, prior + ", " + self);
        }
    }

    /** Adds the forwarding fields and returns the request id (kept if the client sent one). */
    static String addForwarding(HttpHeaders h, String peerIp) {
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? peerIp : xff + ", " + peerIp);
        h.set(X_FORWARDED_PROTO, "http");
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        }
        String id = h.get(X_REQUEST_ID);
        if (id == null || id.isEmpty() || id.length() > 200) {
            id = newRequestId();
            h.set(X_REQUEST_ID, id);
        }
        return id;
    }

    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        long b = r.nextLong();
        char[] out = new char[32];
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }
}
