package dev.fader.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.fader.feedback.Outcome;
import dev.fader.testing.Configs;
import dev.fader.testing.OkHandler;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestProxy;
import dev.fader.testing.TestUpstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile clients, failing upstreams and bounds, against the running proxy. */
class HardeningIT {

    static String config(int port, String extra) {
        return "listen: 127.0.0.1:0\n" + extra + "upstreams:\n  a: { endpoints: [127.0.0.1:" + port + "] }\n";
    }

    static TestUpstream ok() throws InterruptedException {
        return TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)});
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("differing Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("bad Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello", 400),
                Arguments.of("Transfer-Encoding not ending in chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding on HTTP/1.0", "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n  two\r\n\r\n", 400),
                Arguments.of("bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400),
                Arguments.of("bare CR in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400),
                Arguments.of("invalid chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("invalid chunk extension", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a\u0001=b\r\nhello\r\n0\r\n\r\n", 400),
                Arguments.of("repeated Host", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400),
                Arguments.of("missing Host", "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", 400),
                Arguments.of("unsupported Expect", "GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417),
                Arguments.of("body over max-body-size", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", 413),
                Arguments.of("HTTP/9.9 request line", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
                Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                Arguments.of("HTTP/0.9 request line", "GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformed")
    void refusedRequestsNeverReachTheUpstream(String name, String request, int status) throws Exception {
        try (TestUpstream up = ok(); TestProxy proxy = TestProxy.start(config(up.port(), "max-body-size: 1k\n"));
             RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send(request).read();
            assertThat(r.status()).isEqualTo(status);
            assertThat(c.closedWithin(2000)).as("connection closed").isTrue();
            assertThat(up.requests()).isZero();
        }
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        try (TestUpstream up = ok(); TestProxy proxy = TestProxy.start(config(up.port(), "max-body-size: 10\n"));
             RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
        }
    }

    @Test
    void expectContinueWorksEndToEnd() throws Exception {
        try (TestUpstream up = ok(); TestProxy proxy = TestProxy.start(config(up.port(), ""));
             RawHttp c = RawHttp.connect(proxy.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(100);
            RawHttp.Response r = c.send("hello").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(up.requests()).isEqualTo(1);
        }
    }

    @Test
    void expectContinueOverTheBodyLimitGetsTheFinalAnswerWithoutA100() throws Exception {
        try (TestUpstream up = ok(); TestProxy proxy = TestProxy.start(config(up.port(), "max-body-size: 10\n"));
             RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 11\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(up.requests()).isZero();
        }
    }

    @Test
    void anHttp10ExpectIsIgnoredAndNotForwarded() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new SimpleChannelInboundHandler<HttpRequest>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                    seen.add(String.valueOf(req.headers().get("Expect")));
                    DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setContentLength(res, 0);
                    ctx.writeAndFlush(res);
                    ctx.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);
                }
            }});
             TestProxy proxy = TestProxy.start(config(up.port(), ""));
             RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("GET / HTTP/1.0\r\nHost: x\r\nExpect: 200-ok\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(seen).containsExactly("200-ok"); // end-to-end for HTTP/1.0: not ours to answer
        }
    }

    @Test
    void aSlowHeaderIsCutAtClientHeaderTimeoutAndIdleConnectionsAtIdleTimeout() throws Exception {
        try (TestUpstream up = ok();
             TestProxy proxy = TestProxy.start(config(up.port(), "client-header-timeout: 300ms\nidle-timeout: 400ms\n"))) {
            try (RawHttp slow = RawHttp.connect(proxy.port())) {
                slow.send("GET / HTTP/1.1\r\nHost: x\r\n");
                long t0 = System.nanoTime();
                RawHttp.Response r = slow.read();
                assertThat(r.status()).isEqualTo(408);
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
                assertThat(slow.closedWithin(1000)).isTrue();
            }
            try (RawHttp idle = RawHttp.connect(proxy.port())) {
                assertThat(idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
                assertThat(idle.closedWithin(2000)).as("closed after idle-timeout").isTrue();
            }
        }
    }

    @Test
    void maxConnectionsRefusesTheExcessFastAndServesTheRest() throws Exception {
        try (TestUpstream up = ok(); TestProxy proxy = TestProxy.start(config(up.port(), "max-connections: 2\n"));
             RawHttp a = RawHttp.connect(proxy.port()); RawHttp b = RawHttp.connect(proxy.port())) {
            assertThat(a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            try (RawHttp c = RawHttp.connect(proxy.port())) {
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.text()).contains("too many connections");
            }
            assertThat(b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void aStalledRequestBodyIs408AndAStalledResponseBodyClosesTheClient() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new StallAfterFirstChunk()});
             TestProxy proxy = TestProxy.start(config(up.port(), "body-timeout: 300ms\n"))) {
            try (RawHttp c = RawHttp.connect(proxy.port())) {
                c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
                assertThat(c.read().status()).isEqualTo(408);
            }
            try (RawHttp c = RawHttp.connect(proxy.port())) {
                c.send("GET /stall HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.closedWithin(3000)).isTrue();
            }
            assertThat(proxy.outcomes()).extracting(Outcome::kind).contains(Outcome.Kind.CLIENT_ABORT, Outcome.Kind.TIMEOUT);
        }
    }

    @Test
    void aBrokenChunkMidResponseClosesTheClientConnection() throws Exception {
        WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        wm.stubFor(any(urlEqualTo("/broken")).willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        try (TestProxy proxy = TestProxy.start(config(wm.port(), "")); RawHttp c = RawHttp.connect(proxy.port())) {
            c.send("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.closedWithin(3000)).isTrue();
        } finally {
            wm.stop();
        }
    }

    @Test
    void aConnectFailureIsRetriedOnAnotherEndpointOfTheSameVariantThenTheDeadOneIsEjected() throws Exception {
        int dead = deadPort();
        AtomicLong clock = new AtomicLong();
        try (TestUpstream up = ok(); TestProxy proxy = TestProxy.start("listen: 127.0.0.1:0\noutlier-base-ejection: 300ms\n"
                + "upstreams:\n  a: { endpoints: [127.0.0.1:" + dead + ", 127.0.0.1:" + up.port() + "] }\n", clock::get);
             RawHttp c = RawHttp.connect(proxy.port())) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read().status()).isEqualTo(200);
            }
            long retried = proxy.outcomes().stream().filter(Outcome::retried).count();
            assertThat(retried).as("retries before ejection").isEqualTo(5);
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(400)); // the ejection ends; the next request probes it again
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(proxy.outcomes().stream().filter(Outcome::retried).count()).isEqualTo(6);
        }
    }

    @Test
    void aFailingBaselinePoolIsStillTriedOnceAllOfItIsEjected() throws Exception {
        int dead = deadPort();
        try (TestProxy proxy = TestProxy.start(config(dead, "outlier-consecutive-failures: 3\n"));
             RawHttp c = RawHttp.connect(proxy.port())) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
            }
            // The baseline is the last resort (Envoy's panic mode): its users are never refused by ejection.
            assertThat(statuses).containsExactly(502, 502, 502, 502, 502);
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsOnly(Outcome.Kind.CONNECT_ERROR);
        }
    }

    @Test
    void aCanaryPoolWithoutFallbackAnswers503OnceEjectedWithoutCountingThoseAsItsErrors() throws Exception {
        int dead = deadPort();
        try (TestUpstream up = ok();
             TestProxy proxy = TestProxy.start(Configs.twoVariants(up.port(),
                     "{ endpoints: [127.0.0.1:" + dead + "], fallback: none }", 100, "outlier-consecutive-failures: 3\n"));
             RawHttp c = RawHttp.connect(proxy.port())) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(c.send("GET / HTTP/1.1\r\nHost: x\r\nX-User-Id: u" + i + "\r\n\r\n").read().status());
            }
            assertThat(statuses).containsExactly(502, 502, 502, 503, 503);
            assertThat(proxy.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.CONNECT_ERROR,
                    Outcome.Kind.CONNECT_ERROR, Outcome.Kind.CONNECT_ERROR, Outcome.Kind.UNAVAILABLE,
                    Outcome.Kind.UNAVAILABLE);
            assertThat(up.requests()).isZero();
        }
    }

    @Test
    void fileDescriptorsReturnToBaselineAfterFaults() throws Exception {
        int dead = deadPort();
        WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").disableRequestJournal());
        wm.start();
        wm.stubFor(any(urlEqualTo("/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        wm.stubFor(any(urlEqualTo("/garbage")).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        try (TestProxy proxy = TestProxy.start("listen: 127.0.0.1:0\noutlier-consecutive-failures: 0\nupstreams:\n"
                + "  a: { endpoints: [127.0.0.1:" + wm.port() + "] }\n  d: { endpoints: [127.0.0.1:" + dead + "] }\n"
                + "rollouts:\n  - name: dead\n    match: { path-prefix: /dead }\n    baseline: d\n  - name: live\n    baseline: a\n")) {
            long before = openFds();
            for (int i = 0; i < 150; i++) {
                try (RawHttp c = RawHttp.connect(proxy.port())) {
                    String path = new String[] {"/reset", "/garbage", "/dead"}[i % 3];
                    c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx").read();
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (openFds() > before + 10 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(openFds()).isLessThanOrEqualTo(before + 10);
        } finally {
            wm.stop();
        }
    }

    static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Answers /stall with a head and one chunk, then nothing; other requests read their body first. */
    static final class StallAfterFirstChunk extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req && req.uri().equals("/stall")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setTransferEncodingChunked(head, true);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("first", StandardCharsets.UTF_8)));
            }
        }
    }
}
