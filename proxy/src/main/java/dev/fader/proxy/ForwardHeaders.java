package dev.fader.proxy;

import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RandomIds;
import dev.fader.routing.RouteDecision;
import dev.fader.wire.Field;
import dev.fader.wire.Head;
import dev.fader.wire.HeadWriter;
import dev.fader.wire.RequestHead;
import dev.fader.wire.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;

/**
 * Header rules of a forwarding proxy (RFC 9110 section 7.6), applied to heads as bytes: hop-by-hop fields,
 * including any named in Connection, stop here; X-Forwarded-*, Via and X-Request-Id are added on the way
 * in, Via and the decision on the way out. Fields are marked dropped on the head, then the head is written
 * with the kept ones copied as received.
 */
final class ForwardHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString X_FADER_VARIANT = AsciiString.cached("x-fader-variant");
    static final AsciiString X_FADER_ROLLOUT = AsciiString.cached("x-fader-rollout");
    static final AsciiString X_FADER_DECISION = AsciiString.cached("x-fader-decision");
    static final AsciiString X_FADER_ANSWER_ID = AsciiString.cached("x-fader-answer-id");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString CHUNKED = AsciiString.cached("chunked");
    private static final AsciiString UPGRADE = AsciiString.cached("upgrade");
    private static final AsciiString CLOSE = AsciiString.cached("close");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final byte[] VIA_11 = "1.1 fader".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VIA_10 = "1.0 fader".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int[] HOP_BY_HOP = {Field.CONNECTION, Field.KEEP_ALIVE, Field.TE, Field.TRAILER,
        Field.TRANSFER_ENCODING, Field.PROXY_CONNECTION, Field.PROXY_AUTHORIZATION, Field.PROXY_AUTHENTICATE};

    /** Drops the fields a Connection option names; close and keep-alive name none (Keep-Alive goes anyway). */
    private static final Head.TokenVisitor DROP_NAMED = (head, s, e) -> {
        if (!head.regionIs(s, e, "close") && !head.regionIs(s, e, "keep-alive")) {
            head.dropNamed(s, e);
        }
    };
    private static final Head.TokenVisitor DROP_NAMED_BUT_UPGRADE = (head, s, e) -> {
        if (!head.regionIs(s, e, "upgrade")) {
            DROP_NAMED.token(head, s, e);
        }
    };

    /** In {@link #writeResponse}'s answer: the client connection must close after this response. */
    static final int CLIENT_CLOSE = 1;
    /** In {@link #writeResponse}'s answer: the body goes to the client in chunks. */
    static final int CLIENT_CHUNKED = 2;

    private ForwardHeaders() {
    }

    /** Marks the hop-by-hop fields dropped; keeps Upgrade (and a Connection: upgrade) only when {@code upgrading}. */
    static void stripHopByHop(Head h, boolean upgrading) {
        h.forEachToken(Field.CONNECTION, upgrading ? DROP_NAMED_BUT_UPGRADE : DROP_NAMED);
        for (int id : HOP_BY_HOP) {
            h.dropAll(id);
        }
        if (!upgrading) {
            h.dropAll(Field.UPGRADE);
        }
    }

    /**
     * Marks what the upstream must not get of a client request (hop-by-hop fields, forwarding fields and
     * every {@code X-Fader-*} field the client sent but {@code forceField}, a 100-continue Fader answers itself) and returns its request id: the
     * client's, when it sent a usable one, else a new one (then {@link #newIdNeeded} is true).
     */
    static String prepareRequest(RequestHead r, boolean upgrading, boolean dropExpect, AsciiString forceField) {
        stripHopByHop(r, upgrading);
        r.dropAll(Field.X_FORWARDED_FOR);
        r.dropAll(Field.X_FORWARDED_PROTO);
        r.dropAll(Field.X_FORWARDED_HOST);
        r.dropAll(Field.VIA);
        r.dropAll(Field.X_FADER_VARIANT);
        r.dropAll(Field.X_FADER_ROLLOUT);
        r.dropAll(Field.X_FADER_DECISION);
        // Fader's namespace is Fader's: a client's X-Fader-Shadow would pass a real request off as a shadow copy
        // to a service that skips side effects for those. Only the field the rollout's force layer reads stays.
        for (int i = r.find(Field.X_FADER_OTHER, 0); i >= 0; i = r.find(Field.X_FADER_OTHER, i + 1)) {
            if (forceField == null || !r.nameIs(i, forceField)) {
                r.drop(i);
            }
        }
        if (dropExpect) {
            r.dropAll(Field.EXPECT);
        }
        String id = r.get(Field.X_REQUEST_ID);
        if (id == null || id.isEmpty() || id.length() > 200) {
            r.dropAll(Field.X_REQUEST_ID);
            return newRequestId();
        }
        return id;
    }

    /** True when the request carried no usable id, so the one {@link #prepareRequest} made is added. */
    static boolean newIdNeeded(RequestHead r) {
        int i = r.find(Field.X_REQUEST_ID, 0);
        return i < 0 || r.dropped(i);
    }

    /**
     * The head the upstream gets: origin-form target, HTTP/1.1, the kept fields as sent, chunked framing
     * when the body is chunked, X-Forwarded-For/Proto/Host, X-Request-Id, Via and the decision fields.
     */
    static ByteBuf writeRequest(ByteBufAllocator alloc, RequestHead r, String target, boolean upgrading,
            String peerIp, String requestId, String variant, String rollout) {
        ByteBuf out = alloc.buffer(HeadWriter.sizeHint(r));
        HeadWriter.requestLine(out, r, target.equals(r.target()) ? null : target);
        HeadWriter.keptFields(out, r);
        if (r.chunked()) {
            HeadWriter.field(out, HttpHeaderNames.TRANSFER_ENCODING, CHUNKED);
        }
        if (upgrading) {
            HeadWriter.field(out, HttpHeaderNames.CONNECTION, UPGRADE);
        }
        joined(out, r, Field.X_FORWARDED_FOR, X_FORWARDED_FOR, peerIp);
        HeadWriter.field(out, X_FORWARDED_PROTO, HTTP);
        int host = r.find(Field.HOST, 0);
        if (host >= 0) {
            HeadWriter.name(out, X_FORWARDED_HOST);
            HeadWriter.value(out, r, host);
            HeadWriter.end(out);
        }
        if (newIdNeeded(r)) {
            HeadWriter.field(out, X_REQUEST_ID, requestId);
        }
        via(out, r, r.http10());
        HeadWriter.field(out, X_FADER_VARIANT, variant);
        HeadWriter.field(out, X_FADER_ROLLOUT, rollout);
        HeadWriter.end(out);
        return out;
    }

    /**
     * The head the client gets: hop-by-hop fields out, Via in, framing redone (chunked for HTTP/1.1
     * clients when the length is unknown), the keep-alive answer and the decision fields. Returns
     * {@link #CLIENT_CLOSE} and {@link #CLIENT_CHUNKED} as they apply.
     */
    static int writeResponse(ByteBuf out, ResponseHead r, boolean http10, boolean headRequest, boolean close,
            RouteDecision decision, long epoch, String requestId, String answerId) {
        int code = r.status();
        boolean sized = r.contentLength() >= 0;
        boolean chunkedIn = r.chunked();
        stripHopByHop(r, false);
        r.dropAll(Field.VIA);
        if (chunkedIn) {
            r.dropAll(Field.CONTENT_LENGTH); // RFC 9112 section 6.3: chunked wins over a length
        }
        boolean observed = decision.rollout().config().observeOpenAi();
        if (observed) {
            r.dropAll(Field.X_REQUEST_ID);
        }
        r.dropAll(Field.X_FADER_OTHER); // X-Fader-Answer-Id is Fader's to give, not an upstream's
        if (decision.rollout().explain()) {
            r.dropAll(Field.X_FADER_DECISION);
        }
        HeadWriter.statusLine(out, r);
        HeadWriter.keptFields(out, r);
        via(out, r, false);
        int answer = 0;
        boolean bodiless = code == 204 || code == 304;
        if (!sized && !bodiless && (chunkedIn || !headRequest)) {
            if (http10) {
                close = true; // an HTTP/1.0 client learns where the body ends from the close
            } else {
                HeadWriter.field(out, HttpHeaderNames.TRANSFER_ENCODING, CHUNKED);
                answer |= headRequest ? 0 : CLIENT_CHUNKED;
            }
        }
        if (close) {
            HeadWriter.field(out, HttpHeaderNames.CONNECTION, CLOSE);
            answer |= CLIENT_CLOSE;
        } else if (http10) {
            HeadWriter.field(out, HttpHeaderNames.CONNECTION, KEEP_ALIVE);
        }
        if (observed) {
            HeadWriter.field(out, X_REQUEST_ID, requestId); // the id the upstream saw
            if (answerId != null) {
                HeadWriter.field(out, X_FADER_ANSWER_ID, answerId); // what POST /feedback names
            }
        }
        if (decision.rollout().explain()) {
            HeadWriter.field(out, X_FADER_DECISION, decision.explainHeader(epoch));
        }
        if (decision.newUserId() != null) {
            HeadWriter.field(out, HttpHeaderNames.SET_COOKIE, CompiledRollout.ANONYMOUS_COOKIE + "="
                    + decision.newUserId() + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
        }
        HeadWriter.end(out);
        return answer;
    }

    /** A 101 answer for the client: the upgrade fields kept, the other hop-by-hop ones out, Via in. */
    static ByteBuf writeSwitch(ByteBufAllocator alloc, ResponseHead r) {
        ByteBuf out = alloc.buffer(HeadWriter.sizeHint(r));
        stripHopByHop(r, true);
        r.dropAll(Field.VIA);
        HeadWriter.statusLine(out, r);
        HeadWriter.keptFields(out, r);
        HeadWriter.field(out, HttpHeaderNames.CONNECTION, UPGRADE);
        via(out, r, false);
        HeadWriter.end(out);
        return out;
    }

    /** Via: the values received, then ours (RFC 9110 section 7.6.3). */
    private static void via(ByteBuf out, Head h, boolean http10) {
        HeadWriter.name(out, HttpHeaderNames.VIA);
        for (int i = h.find(Field.VIA, 0); i >= 0; i = h.find(Field.VIA, i + 1)) {
            HeadWriter.value(out, h, i);
            out.writeByte(',').writeByte(' ');
        }
        out.writeBytes(http10 ? VIA_10 : VIA_11);
        HeadWriter.end(out);
    }

    /** A field whose received values are kept and {@code ours} appended (X-Forwarded-For). */
    private static void joined(ByteBuf out, Head h, int id, AsciiString name, String ours) {
        HeadWriter.name(out, name);
        for (int i = h.find(id, 0); i >= 0; i = h.find(id, i + 1)) {
            if (!h.valueIs(i, "")) {
                HeadWriter.value(out, h, i);
                out.writeByte(',').writeByte(' ');
            }
        }
        io.netty.buffer.ByteBufUtil.writeAscii(out, ours);
        HeadWriter.end(out);
    }

    /** 32 random hex digits that predict no other id ({@link RandomIds}). */
    static String newRequestId() {
        return RandomIds.hex128();
    }
}
