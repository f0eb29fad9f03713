package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Mutations;
import dev.fader.wire.Http1Decoder;
import dev.fader.wire.Malformed;
import dev.fader.wire.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The byte-forwarding head codec against the decoder it replaced (Netty's strict {@code HttpRequestDecoder}
 * behind the obs-fold guard, then the Host, version and Expect rules): the same seeded corpus of mutated
 * requests goes through both, and each must accept (a whole first request), refuse, or wait for more
 * exactly as the other does. Where the new one is stricter by design, the case is named below and counted.
 */
class HeadCodecDifferentialTest {
    static final int MUTATIONS = 30_000;

    enum Decision { ACCEPT, REFUSE, INCOMPLETE }

    static final String[] BASES = {
        "GET /a/b?c=1 HTTP/1.1\r\nHost: shop.example\r\nX-User-Id: u1\r\nAccept: */*\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
        "PUT /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST /u HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
        "OPTIONS * HTTP/1.1\r\nHost: x:80\r\nVia: 1.1 a\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n",
    };

    static Decision old(byte[] request) {
        HttpDecoderConfig config = new HttpDecoderConfig().setValidateHeaders(true).setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false).setUseRfc9112TransferEncoding(true)
                .setMaxInitialLineLength(4096).setMaxHeaderSize(8192).setMaxChunkSize(64 * 1024);
        ObsFoldGuard guard = new ObsFoldGuard();
        EmbeddedChannel ch = new EmbeddedChannel(guard, new HttpRequestDecoder(config));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(request));
            if (ch.readOutbound() instanceof ByteBuf refusal) {
                refusal.release();
                return Decision.REFUSE;
            }
            Object o;
            while ((o = ch.readInbound()) != null) {
                try {
                    if (o instanceof HttpRequest r) {
                        if (r.decoderResult().isFailure() || r.protocolVersion().majorVersion() != 1 || !oldHostAndExpect(r)) {
                            return Decision.REFUSE;
                        }
                    }
                    if (o instanceof HttpContent c && c.decoderResult().isFailure()) {
                        return Decision.REFUSE;
                    }
                    if (o instanceof LastHttpContent) {
                        return Decision.ACCEPT;
                    }
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
            return Decision.INCOMPLETE;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** The rules FrontendHandler applied to Netty's request: one Host on HTTP/1.1, only 100-continue. */
    static boolean oldHostAndExpect(HttpRequest r) {
        int hosts = r.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && r.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
            return false;
        }
        String expect = r.headers().get(HttpHeaderNames.EXPECT);
        return expect == null || !r.protocolVersion().equals(HttpVersion.HTTP_1_1) || expect.trim().equalsIgnoreCase("100-continue");
    }

    /** Why {@link #current} last refused. */
    static String lastReason;

    static String printable(byte[] request) {
        StringBuilder b = new StringBuilder();
        for (byte x : request) {
            int c = x & 0xff;
            b.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                    : String.format("<%02x>", c));
        }
        return b.toString();
    }

    static Decision current(byte[] request) {
        EmbeddedChannel ch = new EmbeddedChannel(Http1Decoder.requests(4096, 8192));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(request));
            Object o;
            while ((o = ch.readInbound()) != null) {
                try {
                    if (o instanceof Malformed m) {
                        lastReason = m.detail();
                        return Decision.REFUSE;
                    }
                    if (o instanceof RequestHead h && (h.major() != 1 || RequestRules.host(h) != null
                            || RequestRules.expectation(h) == RequestRules.Expectation.UNSUPPORTED)) {
                        lastReason = h.major() != 1 ? "version" : RequestRules.host(h) != null ? RequestRules.host(h) : "expect";
                        return Decision.REFUSE;
                    }
                    if (o == Http1Decoder.END) {
                        return Decision.ACCEPT;
                    }
                } finally {
                    ReferenceCountUtil.release(o);
                }
            }
            return Decision.INCOMPLETE;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /**
     * Where the new decoder refuses what the old one let through or kept waiting on, on purpose; anything
     * else that differs fails the test. Returns the case, or null when the difference is not one of these.
     */
    static String deliberate(byte[] request, Decision was, Decision now, String reason) {
        String s = new String(request, StandardCharsets.ISO_8859_1);
        String line = s.contains("\n") ? s.substring(0, s.indexOf('\n')) : s;
        if (was == Decision.REFUSE && now == Decision.ACCEPT && line.matches("[A-Z]+ /p HTTP/1\\.[2-9]\r?")
                && s.contains("\r\nTransfer-Encoding: chunked\r\n")) {
            return "a chunked HTTP/1.x request, x >= 2, taken as HTTP/1.1 (RFC 9112 section 6.1; old: refused)";
        }
        if (now != Decision.REFUSE) {
            return null;
        }
        if (!line.isEmpty() && line.charAt(0) != '\r' && line.charAt(0) <= ' ') {
            return "bytes before the request line other than CRLF (old: skipped)";
        }
        if (reason.startsWith("request line") && oddSeparator(line)) {
            return "control characters or a run of spaces in the request line (old: taken as separators or as part of the target)";
        }
        if (reason.startsWith("Transfer-Encoding with")) {
            return "a coding besides chunked: 501 (old: read as chunked and forwarded without the other coding)";
        }
        if (reason.startsWith("chunk extension")) {
            return "a chunk extension off the RFC 9112 grammar (old: anything after ';')";
        }
        if (reason.equals("expect") && line.matches(".* HTTP/1\\.[2-9]\r?")) {
            return "HTTP/1.x, x >= 2, held to HTTP/1.1's Expect rule";
        }
        if (reason.startsWith("version") && line.toUpperCase().contains(" HTTP/1.")) {
            return "HTTP-name not in capitals (RFC 9112 section 2.3: case-sensitive)";
        }
        if (reason.startsWith("missing Host") && line.matches(".* HTTP/1\\.[2-9]\r?")) {
            return "no Host in an HTTP/1.x request, x >= 2 (it is forwarded as HTTP/1.1)";
        }
        if (was == Decision.INCOMPLETE && (reason.startsWith("control character") || reason.contains("bare LF")
                || reason.startsWith("an invalid field name") || reason.contains("trailer line"))) {
            return "a bad line refused as it arrives (old: waited for more, then timed out)";
        }
        return null;
    }

    /** A control character in the request line, or two spaces in a row. */
    static boolean oddSeparator(String line) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (c < 0x20 || c == 0x7f || (c == ' ' && i + 1 < l.length() && l.charAt(i + 1) == ' ')) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theNewDecoderAcceptsAndRefusesWhatTheOldOneDid() {
        SplittableRandom r = new SplittableRandom(20261129L);
        Map<String, Integer> deliberate = new TreeMap<>();
        Map<Decision, Integer> seen = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] request = Mutations.mutate(BASES[i % BASES.length].getBytes(StandardCharsets.ISO_8859_1), r, Mutations.ALL);
            Decision was = old(request);
            Decision now = current(request);
            seen.merge(now, 1, Integer::sum);
            if (was == now) {
                continue;
            }
            String why = deliberate(request, was, now, lastReason);
            if (why != null) {
                deliberate.merge(why, 1, Integer::sum);
            } else if (differences.size() < 40) {
                differences.add(was + " -> " + now + " (" + (now == Decision.REFUSE ? lastReason : "") + "): " + printable(request));
            }
        }
        System.out.println("decisions " + seen + "; deliberate differences " + deliberate);
        assertThat(differences).isEmpty();
        assertThat(seen.get(Decision.REFUSE)).as("the corpus exercises refusals").isGreaterThan(MUTATIONS / 5);
        assertThat(seen.get(Decision.ACCEPT)).as("and acceptances").isGreaterThan(MUTATIONS / 5);
    }
}
