package dev.fader.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder on its own: every message shape a proxy meets, each fed whole and cut at every byte, must
 * come out as the same head, body bytes and end; and what it refuses it refuses with the reason.
 */
class Http1DecoderTest {

    /**
     * What came out, as text: "HEAD <status or method target>", body bytes joined, "END", "MALFORMED
     * <problem>". Read as each message is passed on, since a head is reused for the connection's next one.
     */
    static List<String> decode(Http1Decoder decoder, boolean headRequest, String... reads) {
        List<String> out = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object o) {
                if (o instanceof ByteBuf b) {
                    body.append(b.toString(StandardCharsets.ISO_8859_1));
                    b.release();
                    return;
                }
                flush(out, body);
                if (o instanceof ResponseHead h) {
                    out.add("HEAD " + h.status() + (h.persistent() ? "" : " close"));
                } else if (o instanceof RequestHead h) {
                    out.add("HEAD " + h.method() + " " + h.target());
                } else if (o == Http1Decoder.END) {
                    out.add("END");
                } else if (o instanceof Malformed m) {
                    out.add("MALFORMED " + m.problem());
                }
            }
        });
        decoder.expectResponse(headRequest);
        for (String read : reads) {
            ch.writeInbound(Unpooled.copiedBuffer(read, StandardCharsets.ISO_8859_1));
        }
        ch.close();
        flush(out, body);
        ch.finishAndReleaseAll();
        return out;
    }

    private static void flush(List<String> out, StringBuilder body) {
        if (body.length() > 0) {
            out.add("BODY " + body);
            body.setLength(0);
        }
    }

    /** The message whole, then cut in two at every byte: the same output each way. */
    static List<String> everyCut(boolean requests, boolean headRequest, String message) {
        List<String> whole = decode(decoder(requests), headRequest, message);
        for (int cut = 1; cut < message.length(); cut++) {
            assertThat(decode(decoder(requests), headRequest, message.substring(0, cut), message.substring(cut)))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
        return whole;
    }

    static Http1Decoder decoder(boolean requests) {
        return requests ? Http1Decoder.requests(1024, 2048) : Http1Decoder.responses(1024, 2048);
    }

    @Test
    void responsesOfEveryFramingComeOutAsTheirHeadBodyAndEnd() {
        assertThat(everyCut(false, false, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
                .containsExactly("HEAD 200", "BODY hello", "END");
        assertThat(everyCut(false, false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=\"a b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"))
                .containsExactly("HEAD 200", "BODY hello world", "END");
        assertThat(everyCut(false, true, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))
                .as("a HEAD's answer has no body").containsExactly("HEAD 200", "END");
        assertThat(everyCut(false, false, "HTTP/1.1 204 No Content\r\n\r\n")).containsExactly("HEAD 204", "END");
        assertThat(everyCut(false, false, "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"))
                .containsExactly("HEAD 304", "END");
        assertThat(everyCut(false, false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .containsExactly("HEAD 100", "HEAD 103", "HEAD 200", "BODY ok", "END");
        assertThat(everyCut(false, false, "HTTP/1.0 200 OK\r\n\r\nuntil the close"))
                .as("a body the close delimits ends at the close")
                .containsExactly("HEAD 200 close", "BODY until the close", "END");
        assertThat(everyCut(false, false, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"))
                .as("chunked wins over a length, and the connection is not reused after")
                .containsExactly("HEAD 200 close", "BODY ok", "END");
    }

    @Test
    void afterA101TheBytesPassAsTheyCome() {
        assertThat(decode(decoder(false), false, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n\r\n\u0081\u0002hi", "more"))
                .containsExactly("HEAD 101", "BODY \u0081\u0002himore");
    }

    @Test
    void requestsComeOneAtATimeAndBadOnesAreRefusedWithTheirReason() {
        assertThat(everyCut(true, false, "POST /p?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"))
                .containsExactly("HEAD POST /p?q=1", "BODY abc", "END");
        assertThat(everyCut(true, false, "\r\nPUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"))
                .containsExactly("HEAD PUT /c", "BODY abc", "END");
        assertThat(decode(decoder(true), false, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"))
                .as("a pipelined request waits for resume()").containsExactly("HEAD GET /", "END");
        assertThat(decode(decoder(true), false, "GET /" + "a".repeat(1100) + " HTTP/1.1\r\n"))
                .containsExactly("MALFORMED LINE_TOO_LONG");
        assertThat(decode(decoder(true), false, "GET / HTTP/1.1\r\nX: " + "b".repeat(2100) + "\r\n\r\n"))
                .containsExactly("MALFORMED HEAD_TOO_LARGE");
        assertThat(decode(decoder(true), false, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
                .containsExactly("MALFORMED NOT_IMPLEMENTED");
        for (String bad : new String[] {"GET / HTTP/1.1\nHost: x\n\n", "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", "GET /\u0001 HTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a\u0001=b\r\nhello\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"}) {
            assertThat(decode(decoder(true), false, bad)).as(bad).last().isEqualTo("MALFORMED MALFORMED");
        }
    }

    @Test
    void aConnectionsRequestsNamingTheSameHostShareOneStringAndAnotherHostGetsItsOwn() {
        Http1Decoder d = decoder(true);
        EmbeddedChannel ch = new EmbeddedChannel(d);
        ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: Api.Example.com:8080\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        RequestHead first = ch.readInbound();
        String host = first.host();
        assertThat(host).isEqualTo("Api.Example.com:8080");
        assertThat((Object) ch.readInbound()).isSameAs(Http1Decoder.END);
        d.resume();
        ch.writeInbound(Unpooled.copiedBuffer("GET /b HTTP/1.1\r\nX-Other: 1\r\nHost: Api.Example.com:8080\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        RequestHead second = ch.readInbound();
        assertThat(second.host()).as("the same bytes: the same String, not a new one").isSameAs(host);
        assertThat((Object) ch.readInbound()).isSameAs(Http1Decoder.END);
        d.resume();
        ch.writeInbound(Unpooled.copiedBuffer("GET /c HTTP/1.1\r\nHost: api.example.com:8080\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        RequestHead third = ch.readInbound();
        assertThat(third.host()).isEqualTo("api.example.com:8080");
        ch.finishAndReleaseAll();
    }

    @Test
    void anUpstreamThatSpeaksUnaskedIsRefused() {
        EmbeddedChannel ch = new EmbeddedChannel(decoder(false));
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertThat((Object) ch.readInbound()).isInstanceOf(Malformed.class);
        ch.finishAndReleaseAll();
    }

    /**
     * Relaying chunks with their framing: at every cut, the bytes passed on are a valid chunked body with
     * the same data, and what observers are shown (the data offsets of framed chunks) is the data alone.
     */
    @Test
    void wholeChunksGoOnWithTheirFramingAndObserversSeeTheirData() {
        String message = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        for (int cut = 1; cut < message.length(); cut++) {
            Http1Decoder d = Http1Decoder.responses(1024, 2048);
            StringBuilder data = new StringBuilder();
            StringBuilder framed = new StringBuilder();
            EmbeddedChannel ch = new EmbeddedChannel(d, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object o) {
                    if (o instanceof ResponseHead) {
                        d.relayChunks();
                    } else if (o instanceof ByteBuf b) {
                        int off = d.framedOffset();
                        if (off >= 0) {
                            framed.append(b.toString(StandardCharsets.ISO_8859_1));
                            data.append(b.toString(b.readerIndex() + off, d.framedLength(), StandardCharsets.ISO_8859_1));
                        } else {
                            data.append(b.toString(StandardCharsets.ISO_8859_1));
                        }
                        b.release();
                    }
                }
            });
            d.expectResponse(false);
            ch.writeInbound(Unpooled.copiedBuffer(message.substring(0, cut), StandardCharsets.ISO_8859_1));
            ch.writeInbound(Unpooled.copiedBuffer(message.substring(cut), StandardCharsets.ISO_8859_1));
            assertThat(data.toString()).as("cut at %d", cut).isEqualTo("hello world");
            assertThat(framed.toString()).as("cut at %d", cut).isIn("", "5;x=1\r\nhello\r\n", "6\r\n world\r\n",
                    "5;x=1\r\nhello\r\n6\r\n world\r\n");
            ch.finishAndReleaseAll();
        }
    }
}
