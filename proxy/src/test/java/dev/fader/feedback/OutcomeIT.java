package dev.fader.feedback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.fader.testing.TestInstance;
import dev.fader.testing.WireMockUpstreams;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each upstream fault lands in the right outcome, window and metric, end to end. */
class OutcomeIT {
    @RegisterExtension
    static final WireMockExtension upstream = WireMockUpstreams.perClass();
    static int deadPort;
    @TempDir
    Path dir;
    TestInstance fader;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void stubUpstream() throws IOException {
        upstream.stubFor(any(urlEqualTo("/ok")).willReturn(aResponse().withStatus(200).withBody("ok")));
        upstream.stubFor(any(urlEqualTo("/500")).willReturn(aResponse().withStatus(500).withBody("boom")));
        upstream.stubFor(any(urlEqualTo("/404")).willReturn(aResponse().withStatus(404)));
        upstream.stubFor(any(urlEqualTo("/reset")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        upstream.stubFor(any(urlEqualTo("/empty")).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        upstream.stubFor(any(urlEqualTo("/garbage")).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        upstream.stubFor(any(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
    }

    @BeforeEach
    void start() throws Exception {
        upstream.resetRequests();
        fader = TestInstance.start(dir, """
                listen: 127.0.0.1:0
                access-log: "off"
                response-timeout: 400ms
                upstreams:
                  good: { endpoints: [127.0.0.1:%d] }
                  dead: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: dead
                    match: { path-prefix: /dead }
                    baseline: dead
                  - name: web
                    baseline: good
                """.formatted(upstream.getPort(), deadPort));
    }

    @AfterEach
    void stop() {
        fader.close();
    }

    int send(String method, String path) throws Exception {
        HttpRequest.BodyPublisher body = method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString("payload");
        return client.send(HttpRequest.newBuilder(fader.uri(path)).method(method, body).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    double requests(String rollout, String variant, String outcome) {
        return fader.metric("fader_requests_total{outcome=\"" + outcome + "\",rollout=\"" + rollout
                + "\",upstream=\"" + variant + "\",variant=\"" + variant + "\"}");
    }

    @Test
    void statusClassesAndErrorsAreCountedPerVariant() throws Exception {
        assertThat(send("GET", "/ok")).isEqualTo(200);
        assertThat(send("GET", "/404")).isEqualTo(404);
        assertThat(send("GET", "/500")).isEqualTo(500);
        assertThat(requests("web", "good", "2xx")).isEqualTo(1);
        assertThat(requests("web", "good", "4xx")).isEqualTo(1);
        assertThat(requests("web", "good", "5xx")).isEqualTo(1);
        WindowSnapshot w = fader.instance().windows().snapshot("web", "good");
        assertThat(w.requests()).isEqualTo(3);
        assertThat(w.errors()).isEqualTo(1);
    }

    @Test
    void resetBeforeAnyByteIs502ResetAndAPostIsNeverResent() throws Exception {
        assertThat(send("POST", "/reset")).isEqualTo(502);
        assertThat(upstream.countRequestsMatching(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/reset")).build()).getCount()).isEqualTo(1);
        assertThat(requests("web", "good", "reset")).isEqualTo(1);
    }

    @Test
    void anIdempotentRequestIsRetriedOnceAfterAResetAndStillCounted() throws Exception {
        assertThat(send("GET", "/reset")).isEqualTo(502);
        assertThat(upstream.countRequestsMatching(com.github.tomakehurst.wiremock.client.WireMock
                .getRequestedFor(urlEqualTo("/reset")).build()).getCount()).isEqualTo(2);
        assertThat(requests("web", "good", "reset")).isEqualTo(1);
        assertThat(fader.metric("fader_retries_total{rollout=\"web\",variant=\"good\"}")).isEqualTo(1);
    }

    @Test
    void emptyReplyAndGarbageAre502() throws Exception {
        assertThat(send("POST", "/empty")).isEqualTo(502);
        assertThat(send("POST", "/garbage")).isEqualTo(502);
        assertThat(requests("web", "good", "reset")).isEqualTo(2);
        assertThat(fader.instance().windows().snapshot("web", "good").errors()).isEqualTo(2);
    }

    @Test
    void aStallPastTheResponseTimeoutIs504Timeout() throws Exception {
        assertThat(send("GET", "/slow")).isEqualTo(504);
        assertThat(requests("web", "good", "timeout")).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionIsConnectError() throws Exception {
        assertThat(send("GET", "/dead/x")).isEqualTo(502);
        assertThat(requests("dead", "dead", "connect_error")).isEqualTo(1);
        assertThat(fader.instance().windows().snapshot("dead", "dead").errorRate()).isEqualTo(1.0);
    }
}
