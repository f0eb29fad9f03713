package dev.fader.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RouteDecision;
import io.netty.util.AsciiString;
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

    /** {@link #stripHopByHop} found a "close" option in Connection. */
    static final int CLOSE = 1;
    /** {@link #stripHopByHop} found a "keep-alive" option in Connection. */
    static final int KEEP_ALIVE = 2;

    /**
     * Removes hop-by-hop fields; keeps Upgrade (and a Connection: upgrade) only when {@code upgrading}.
     * Returns the {@link #CLOSE} and {@link #KEEP_ALIVE} options the Connection fields carried, so the
     * caller learns the message's persistence without reading them again.
     */
    static int stripHopByHop(HttpHeaders h, boolean upgrading) {
        int options = 0;
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            // Every Connection field counts: a second one may name more hop-by-hop fields.
            for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
                options |= removeNamedFields(h, value, upgrading);
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
        return options;
    }

    /** Removes the fields one Connection value names (a comma list of tokens) and returns its options. */
    private static int removeNamedFields(HttpHeaders h, String value, boolean upgrading) {
        int options = 0;
        int start = 0;
        int n = value.length();
        while (start < n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            int s = start;
            int e = end;
            while (s < e && isOws(value.charAt(s))) {
                s++;
            }
            while (e > s && isOws(value.charAt(e - 1))) {
                e--;
            }
            // "close" and "keep-alive" are the usual values and name nothing to remove but Keep-Alive,
            // which goes anyway: they cost no substring.
            if (regionIs(value, s, e, "close")) {
                options |= CLOSE;
            } else if (regionIs(value, s, e, "keep-alive")) {
                options |= KEEP_ALIVE;
            } else if (e > s && !(upgrading && regionIs(value, s, e, "upgrade"))) {
                h.remove(value.substring(s, e));
            }
            start = end + 1;
        }
        return options;
    }

    private static boolean regionIs(String value, int start, int end, String token) {
        return end - start == token.length() && value.regionMatches(true, start, token, 0, token.length());
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether a message of {@code version} with these Connection options leaves its connection open. */
    static boolean persistent(HttpVersion version, int options) {
        if ((options & CLOSE) != 0) {
            return false;
        }
        return version.isKeepAliveDefault() || (options & KEEP_ALIVE) != 0;
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

    /** Set in {@link #forClient}'s answer when the client connection must close after the response. */
    static final int CLIENT_CLOSE = 4;

    /**
     * Rewrites an upstream response head for the client: hop-by-hop fields out, Via in, framing redone
     * (chunked for HTTP/1.1 clients when the length is unknown) and the keep-alive answer set. Returns the
     * upstream's Connection options ({@link #CLOSE}, {@link #KEEP_ALIVE}) plus {@link #CLIENT_CLOSE} when
     * the client connection must close after this response.
     */
    static int forClient(HttpResponse r, boolean http10, boolean headRequest, boolean close) {
        HttpHeaders h = r.headers();
        boolean chunked = HttpUtil.isTransferEncodingChunked(r);
        boolean sized = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        int code = r.status().code();
        int options = stripHopByHop(h, false);
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
        return close ? options | CLIENT_CLOSE : options;
    }

    /** The contract's {@code X-Fader-Decision} when the rollout explains itself, and a new anonymous user's cookie. */
    static void addDecision(HttpHeaders h, RouteDecision decision, long epoch, String requestId) {
        if (decision.rollout().config().observeOpenAi()) {
            h.set(X_REQUEST_ID, requestId); // the id the upstream saw: what POST /feedback names the answer by
        }
        if (decision.rollout().explain()) {
            h.set(X_FADER_DECISION, decision.explainHeader(epoch));
        }
        if (decision.newUserId() != null) {
            h.add(HttpHeaderNames.SET_COOKIE, CompiledRollout.ANONYMOUS_COOKIE + "=" + decision.newUserId()
                    + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
        }
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
