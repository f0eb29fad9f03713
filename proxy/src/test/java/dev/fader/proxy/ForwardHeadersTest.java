package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Configs;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.wire.Http1Decoder;
import dev.fader.wire.RequestHead;
import dev.fader.wire.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The header rules on heads as the decoder hands them over, checked on the bytes written onward. */
class ForwardHeadersTest {
    static final RoutingTable TABLE = Configs.table("listen: 127.0.0.1:0\nupstreams:\n  a: { endpoints: [127.0.0.1:9001] }\n");

    /** The head the decoder makes of {@code text} (a whole message head). */
    static <H> H head(Http1Decoder decoder, String text, Class<H> type) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        Object first = ch.readInbound();
        Object rest;
        while ((rest = ch.readInbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(rest);
        }
        ch.finishAndReleaseAll();
        assertThat(first).isInstanceOf(type);
        return type.cast(first);
    }

    static RequestHead request(String text) {
        return head(Http1Decoder.requests(8192, 16384), text, RequestHead.class);
    }

    static ResponseHead response(String text, boolean headRequest) {
        Http1Decoder d = Http1Decoder.responses(8192, 65536);
        d.expectResponse(headRequest);
        return head(d, text, ResponseHead.class);
    }

    static RouteDecision decision() {
        NettyRequestView view = new NettyRequestView(null);
        view.reset(request("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        return TABLE.decide(view);
    }

    static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    static String forward(String requestHead, boolean upgrading) {
        RequestHead r = request(requestHead);
        String id = ForwardHeaders.prepareRequest(r, upgrading, false, null);
        return text(ForwardHeaders.writeRequest(ByteBufAllocator.DEFAULT, r, NettyRequestView.originForm(r.target()),
                upgrading, "10.0.0.9", id, "stable", "web"));
    }

    @Test
    void fieldsNamedInEveryConnectionHeaderGoWhateverTheirSpacingAndCase() {
        String sent = forward("GET /x HTTP/1.1\r\nHost: h\r\nConnection: X-Secret ,keep-alive,\tX-Other\r\n"
                + "Connection: x-third\r\nX-Secret: 1\r\nX-Other: 2\r\nX-Third: 3\r\nKeep-Alive: timeout=5\r\n"
                + "X-Kept:  4 \r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: keep-alive\r\n\r\n", false);
        assertThat(sent).startsWith("GET /x HTTP/1.1\r\nHost: h\r\nX-Kept:  4 \r\n")
                .doesNotContainIgnoringCase("secret").doesNotContainIgnoringCase("x-other").doesNotContainIgnoringCase("third")
                .doesNotContainIgnoringCase("keep-alive").doesNotContainIgnoringCase("te: trailers")
                .doesNotContainIgnoringCase("upgrade").doesNotContainIgnoringCase("connection")
                .contains("\r\nx-forwarded-for: 10.0.0.9\r\n", "\r\nx-forwarded-proto: http\r\n",
                        "\r\nx-forwarded-host: h\r\n", "\r\nvia: 1.1 fader\r\n", "\r\nx-fader-variant: stable\r\n",
                        "\r\nx-fader-rollout: web\r\n")
                .endsWith("\r\n\r\n");
    }

    @Test
    void forwardingFieldsAreJoinedAndTheClientsDecisionFieldsReplaced() {
        String sent = forward("GET http://h/p?q=1 HTTP/1.0\r\nHost: h\r\nX-Forwarded-For: 1.1.1.1\r\n"
                + "X-Forwarded-For: 2.2.2.2\r\nVia: 1.1 edge\r\nX-Fader-Variant: canary\r\nX-Request-Id: abc\r\n\r\n", false);
        assertThat(sent).startsWith("GET /p?q=1 HTTP/1.1\r\n")
                .contains("\r\nx-forwarded-for: 1.1.1.1, 2.2.2.2, 10.0.0.9\r\n", "\r\nvia: 1.1 edge, 1.0 fader\r\n",
                        "\r\nX-Request-Id: abc\r\n", "\r\nx-fader-variant: stable\r\n")
                .doesNotContain("canary");
        assertThat(sent.split("(?i)x-request-id", -1)).hasSize(2);
    }

    @Test
    void anUpgradeKeepsItsFieldsAndAChunkedBodyIsAnnounced() {
        String sent = forward("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, X-Hop\r\nUpgrade: websocket\r\nX-Hop: 1\r\n\r\n", true);
        assertThat(sent).contains("\r\nUpgrade: websocket\r\n", "\r\nconnection: upgrade\r\n").doesNotContain("X-Hop");
        String chunked = forward("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", false);
        assertThat(chunked).contains("\r\ntransfer-encoding: chunked\r\n").doesNotContain("Transfer-Encoding");
    }

    @Test
    void persistenceFollowsTheVersionDefaultUnlessTheOptionsSayOtherwise() {
        assertThat(response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false).persistent()).isTrue();
        assertThat(response("HTTP/1.1 200 OK\r\nConnection: CLOSE\r\nContent-Length: 0\r\n\r\n", false).persistent()).isFalse();
        assertThat(response("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false).persistent()).isFalse();
        assertThat(response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", false).persistent()).isTrue();
        assertThat(response("HTTP/1.0 200 OK\r\nConnection: Keep-Alive, close\r\nContent-Length: 0\r\n\r\n", false)
                .persistent()).isFalse();
        assertThat(response("HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", false).persistent()).isTrue();
    }

    @Test
    void theClientsAnswerSaysItsFramingAndWhetherItCloses() {
        ByteBuf out = Unpooled.buffer();
        int answer = ForwardHeaders.writeResponse(out, response("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
                + "Content-Length: 3\r\nVia: 1.0 up\r\n\r\n", false), false, false, false, decision(), 1, "id", null);
        assertThat(answer).isZero();
        assertThat(text(out)).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nvia: 1.0 up, 1.1 fader\r\n\r\n");

        ByteBuf unsized = Unpooled.buffer();
        // An HTTP/1.0 client learns where an unsized body ends from the close; an HTTP/1.1 client gets chunks.
        assertThat(ForwardHeaders.writeResponse(unsized, response("HTTP/1.1 200 OK\r\n\r\n", false), true, false, false,
                decision(), 1, "id", null)).isEqualTo(ForwardHeaders.CLIENT_CLOSE);
        assertThat(text(unsized)).contains("\r\nconnection: close\r\n");
        ByteBuf chunks = Unpooled.buffer();
        assertThat(ForwardHeaders.writeResponse(chunks, response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 5\r\n\r\n", false), false, false, false, decision(), 1, "id", null))
                .isEqualTo(ForwardHeaders.CLIENT_CHUNKED);
        assertThat(text(chunks)).isEqualTo("HTTP/1.1 200 OK\r\nvia: 1.1 fader\r\ntransfer-encoding: chunked\r\n\r\n");
    }
}
