package dev.fader.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.fader.feedback.Outcome;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestProxy;
import dev.fader.testing.WireMockUpstreams;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The proxy core end to end: real proxy on port 0, WireMock upstream, real clients. */
class ProxyIT {
    @RegisterExtension
    static final WireMockExtension upstream = WireMockUpstreams.perClass(options().jettyAcceptors(1).containerThreads(16));
    TestProxy proxy;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startProxy() throws Exception {
        upstream.resetAll();
        proxy = TestProxy.start("""
                listen: 127.0.0.1:0
                response-timeout: 5s
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                """.formatted(upstream.getPort()));
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @ParameterizedTest(name = "{0} with {1} bytes each way")
    @CsvSource({"GET,0", "POST,0", "POST,1024", "PUT,1024", "POST,10485760", "PUT,10485760"})
    void bodiesStreamBothWays(String method, int size) throws Exception {
        byte[] down = bytes(size, 1);
        byte[] up = bytes(size, 2);
        upstream.stubFor(any(urlEqualTo("/data")).willReturn(aResponse().withStatus(200).withBody(down)));
        HttpRequest.BodyPublisher body = method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(up);
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(proxy.uri("/data")).method(method, body).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sha(r.body())).isEqualTo(sha(down));
        LoggedRequest seen = upstream.getAllServeEvents().get(0).getRequest();
        assertThat(seen.getMethod().getName()).isEqualTo(method);
        assertThat(sha(seen.getBody())).isEqualTo(sha(method.equals("GET") ? new byte[0] : up));
    }

    @Test
    void chunkedRequestBodyIsStreamedToUpstream() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201)));
        byte[] up = bytes(300_000, 3);
        // An InputStream publisher has no length, so the client sends Transfer-Encoding: chunked.
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(proxy.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(up))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        LoggedRequest seen = upstream.getAllServeEvents().get(0).getRequest();
        assertThat(seen.getHeader("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        assertThat(sha(seen.getBody())).isEqualTo(sha(up));
    }

    @Test
    void hopByHopHeadersAreStrippedAndForwardingHeadersAdded() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")
                .withHeader("Keep-Alive", "timeout=5").withHeader("X-Upstream-Private", "1")
                .withHeader("Connection", "X-Upstream-Private")));
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("GET /h HTTP/1.1\r\nHost: shop.example\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
                    + "Proxy-Connection: keep-alive\r\nX-Forwarded-For: 203.0.113.9\r\nX-Request-Id: req-42\r\n"
                    + "Upgrade: h2c\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("keep-alive")).isNull();
            assertThat(r.header("x-upstream-private")).isNull();
            assertThat(r.header("via")).contains("1.1 fader");
        }
        LoggedRequest seen = upstream.getAllServeEvents().get(0).getRequest();
        for (String gone : List.of("X-Secret", "Keep-Alive", "TE", "Proxy-Authorization", "Proxy-Connection",
                "Upgrade")) {
            assertThat(seen.containsHeader(gone)).as(gone).isFalse();
        }
        assertThat(seen.getHeader("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(seen.getHeader("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.getHeader("X-Forwarded-Host")).isEqualTo("shop.example");
        assertThat(seen.getHeader("Host")).isEqualTo("shop.example");
        assertThat(seen.getHeader("Via")).isEqualTo("1.1 fader");
        assertThat(seen.getHeader("X-Request-Id")).isEqualTo("req-42");
        assertThat(seen.getHeader("X-Fader-Variant")).isEqualTo("stable");
        assertThat(seen.getHeader("X-Fader-Rollout")).isEqualTo("default");
    }

    @Test
    void requestIdIsCreatedWhenAbsent() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
        client.send(HttpRequest.newBuilder(proxy.uri("/id")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(upstream.getAllServeEvents().get(0).getRequest().getHeader("X-Request-Id")).matches("[0-9a-f]{32}");
    }

    @Test
    void refusedUpstreamGives502() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (TestProxy p = TestProxy.start("listen: 127.0.0.1:0\nupstreams:\n  a: { endpoints: [127.0.0.1:" + dead + "] }\n")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(p.uri("/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("cannot connect");
            assertThat(p.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.CONNECT_ERROR);
        }
    }

    @Test
    void slowUpstreamGives504() throws Exception {
        upstream.stubFor(get(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));
        try (TestProxy p = TestProxy.start("listen: 127.0.0.1:0\nresponse-timeout: 300ms\nupstreams:\n  a: { endpoints: [127.0.0.1:"
                + upstream.getPort() + "] }\n")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(p.uri("/slow")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("no answer in time").contains("within response-timeout 300ms");
            assertThat(p.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.TIMEOUT);
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndNeverForwarded() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("POST /smuggle HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.closedWithin(2000)).isTrue();
        }
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void spaceBeforeColonIsRefusedAndNeverForwarded() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("GET / HTTP/1.1\r\nHost : x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.closedWithin(2000)).isTrue();
        }
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void tooLongRequestLineAndHeadersGet414And431() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            assertThat(c.send("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
                    .isEqualTo(414);
        }
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n").read().status())
                    .isEqualTo(431);
        }
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void missingHostOnHttp11IsRefused() throws Exception {
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            assertThat(c.send("GET / HTTP/1.1\r\n\r\n").read().status()).isEqualTo(400);
        }
        assertThat(upstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void keepAliveClientGetsManyResponsesOnOneConnection() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("hi")));
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response r = c.send("GET /k" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("hi");
            }
            // Pipelined: two requests in one write, answered in order.
            c.send("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(200);
        }
        assertThat(upstream.getAllServeEvents()).hasSize(7);
    }

    @Test
    void http10ClientWithoutKeepAliveIsClosedAfterResponse() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("old")));
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("GET /old HTTP/1.0\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("old");
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    void headResponseCarriesNoBody() throws Exception {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("0123456789")));
        try (RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertThat(r.status()).isEqualTo(200);
            // The connection is still in step: the next response is read cleanly.
            assertThat(c.send("GET /h HTTP/1.1\r\nHost: x\r\n\r\n").read().text()).isEqualTo("0123456789");
        }
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
