package dev.fader.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.fader.routing.Buckets;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestInstance;
import dev.fader.testing.WireMockUpstreams;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence that cannot be forged (issue 24): feedback counts only for answers and users this instance served,
 * once per answer and source; client ids never name a ledger entry; Fader's ids predict nothing; a client
 * cannot write Fader's own header fields or pick its own {@code ip} key behind a proxy that adds a line.
 */
class EvidenceIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final WireMockExtension upstream = WireMockUpstreams.perClass();
    @TempDir
    Path dir;
    TestInstance fader;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void stub() {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Fader-Answer-Id", "forged-by-upstream")
                .withBody("{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}")));
    }

    @BeforeEach
    void start() throws Exception {
        upstream.resetRequests();
        fader = TestInstance.start(dir, """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                access-log: "off"
                trusted-proxies: [127.0.0.0/8]
                feedback: { window: 10m, events: "off" }
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: chat
                    match: { path-prefix: /v1/ }
                    baseline: stable
                    observe: openai
                    user-key: [header:X-User-Id]
                    layers:
                      - name: testers
                        force: header:X-Fader-Force
                      - name: everyone
                        split: { canary: 50%% }
                  - name: web
                    baseline: stable
                    user-key: [ip]
                    explain: true
                    split: { canary: 50%% }
                """.formatted(upstream.getPort(), upstream.getPort()));
    }

    @AfterEach
    void stop() {
        fader.close();
    }

    HttpResponse<String> chat(String user, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(fader.uri("/v1/chat/completions")).header("X-User-Id", user)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> feedback(String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(fader.admin("/feedback")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode variants() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(fader.admin("/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("rollouts").get(0).get("variants");
    }

    long negatives() throws Exception {
        long n = 0;
        for (JsonNode v : variants()) {
            n += v.get("feedback").get("negative").asLong();
        }
        return n;
    }

    @Test
    void feedbackForAUserWhoMadeNoRequestIsRefusedAndCountsNowhere() throws Exception {
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = feedback("{\"rollout\":\"chat\",\"user\":\"forged-" + i + "\",\"label\":\"negative\"}",
                    null);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("made no request in rollout 'chat'");
        }
        assertThat(negatives()).isZero();
        chat("alice");
        HttpResponse<String> real = feedback("{\"rollout\":\"chat\",\"user\":\"alice\",\"label\":\"negative\"}", null);
        assertThat(real.statusCode()).isEqualTo(202);
        assertThat(real.body()).as("an open port names no variant").doesNotContain("variant");
        assertThat(negatives()).isEqualTo(1);
    }

    @Test
    void aReusedRequestIdCannotMoveAVoteAndEachAnswerCountsOnce() throws Exception {
        HttpResponse<String> victim = chat("victim", "X-Request-Id", "shared-id");
        HttpResponse<String> other = chat("attacker", "X-Request-Id", "shared-id");
        String answer = victim.headers().firstValue("X-Fader-Answer-Id").orElseThrow();
        assertThat(answer).matches("[0-9a-f]{32}").isNotEqualTo(other.headers().firstValue("X-Fader-Answer-Id").orElseThrow())
                .isNotEqualTo("forged-by-upstream");
        assertThat(victim.headers().firstValue("X-Request-Id")).hasValue("shared-id"); // forwarded and returned as before
        assertThat(feedback("{\"requestId\":\"shared-id\",\"label\":\"negative\"}", null).statusCode()).isEqualTo(404);
        for (int i = 0; i < 10; i++) {
            assertThat(feedback("{\"answerId\":\"" + answer + "\",\"label\":\"negative\"}", null).statusCode()).isEqualTo(202);
        }
        assertThat(negatives()).as("ten votes on one answer count once").isEqualTo(1);
        assertThat(fader.metric("fader_answer_feedback_total{label=\"negative\",rollout=\"chat\",source=\"answer\",variant=\""
                + variantOf(victim) + "\"}")).isEqualTo(1);
        // A changed mind shows in the counts, the evidence keeps the first label.
        assertThat(feedback("{\"requestId\":\"" + answer + "\",\"label\":\"positive\"}", null).statusCode()).isEqualTo(202);
        assertThat(negatives()).isZero();
        assertThat(fader.metric("fader_answer_feedback_total{label=\"positive\",rollout=\"chat\",source=\"answer\",variant=\""
                + variantOf(victim) + "\"}")).isLessThanOrEqualTo(0);
    }

    String variantOf(HttpResponse<String> answer) throws Exception {
        String user = answer.request().headers().firstValue("X-User-Id").orElseThrow();
        for (ServeEvent e : upstream.getAllServeEvents()) {
            if (user.equals(e.getRequest().getHeader("X-User-Id"))) {
                return e.getRequest().getHeader("X-Fader-Variant");
            }
        }
        throw new AssertionError("no request of " + user + " reached the upstream");
    }

    @Test
    void clientsCannotWriteFadersOwnFields() throws Exception {
        chat("u1", "X-Fader-Shadow", "1", "X-Fader-Decision", "rollout=x", "X-Fader-Anything", "y", "X-Fader-Force", "canary",
                "X-Fader-Variant", "stable");
        ServeEvent e = upstream.getAllServeEvents().get(0);
        assertThat(e.getRequest().containsHeader("X-Fader-Shadow")).isFalse();
        assertThat(e.getRequest().containsHeader("X-Fader-Decision")).isFalse();
        assertThat(e.getRequest().containsHeader("X-Fader-Anything")).isFalse();
        assertThat(e.getRequest().getHeader("X-Fader-Force")).as("the force layer's own field stays").isEqualTo("canary");
        assertThat(e.getRequest().getHeaders().getHeader("X-Fader-Variant").values()).containsExactly("canary");
    }

    @Test
    void everyForwardedForLineCountsSoTheRightMostUntrustedAddressIsTheKey() throws Exception {
        try (RawHttp c = RawHttp.connect(fader.instance().proxyAddress().getPort())) {
            RawHttp.Response r = c.send("GET /page HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n"
                    + "X-Forwarded-For: 198.51.100.7, 127.0.0.5\r\n\r\n").read();
            assertThat(r.header("X-Fader-Decision")).contains("bucket=" + Buckets.of("web:", "198.51.100.7") + ";");
        }
    }

    /**
     * Ids from one connection predict nothing of another's. The attack: {@code ThreadLocalRandom} is SplitMix64,
     * whose output function is invertible: the two halves of one id are two consecutive outputs, so they give the
     * thread's seed and its gamma, and every later output is {@code mix64(seed + k * gamma)}; with one event loop
     * every connection draws from that thread.
     * {@link #theAttackPredictsThreadLocalRandom} shows it works; here it must find none of the next ids.
     */
    @Test
    void onesIdsDoNotPredictAnothersIds() throws Exception {
        TestInstance one = TestInstance.start(java.nio.file.Files.createDirectories(dir.resolve("one")), """
                listen: 127.0.0.1:0
                access-log: "off"
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: web
                    baseline: stable
                    anonymous: cookie
                """.formatted(upstream.getPort()), 1);
        try (one) {
            upstream.resetRequests();
            List<String> ids = new ArrayList<>();
            List<String> cookies = new ArrayList<>();
            for (int conn = 0; conn < 4; conn++) {
                try (RawHttp c = RawHttp.connect(one.instance().proxyAddress().getPort())) {
                    RawHttp.Response r = c.send("GET /p HTTP/1.1\r\nHost: x\r\n\r\n").read();
                    cookies.add(r.header("Set-Cookie").replaceAll("fader_uid=([^;]+);.*", "$1"));
                }
            }
            for (ServeEvent e : upstream.getAllServeEvents()) {
                ids.add(e.getRequest().getHeader("X-Request-Id"));
            }
            assertThat(ids).hasSize(4);
            // An id is two consecutive outputs of one thread: their seeds differ by that thread's gamma.
            Set<Long> predicted = new HashSet<>();
            for (String observed : List.of(ids.get(0), cookies.get(0))) {
                for (long first : half(observed, 0)) {
                    for (long second : half(observed, 1)) {
                        long seed = unmix64(second);
                        long gamma = seed - unmix64(first);
                        for (int k = 1; k <= 400; k++) {
                            predicted.add(mix64(seed + k * gamma));
                        }
                    }
                }
            }
            int hits = 0;
            for (String later : List.of(ids.get(1), ids.get(2), ids.get(3), cookies.get(1), cookies.get(2), cookies.get(3))) {
                for (int i = 0; i < 2; i++) {
                    for (long h : half(later, i)) {
                        hits += predicted.contains(h) ? 1 : 0;
                    }
                }
            }
            assertThat(hits).as("halves of later ids predicted from the first").isZero();
        }
    }

    @Test
    void theAttackPredictsThreadLocalRandom() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long a = r.nextLong();
        long b = r.nextLong();
        long next = r.nextLong();
        long gamma = unmix64(b) - unmix64(a); // the golden gamma plus twice the thread's id, on JDK 17 and later
        assertThat(mix64(unmix64(b) + gamma)).isEqualTo(next);
        assertThat(half(Long.toHexString(a | Long.MIN_VALUE) + Long.toHexString(b | Long.MIN_VALUE), 1))
                .as("the old cookie form, top bit forced: both candidates are tried").contains(b);
    }

    /** Half {@code i} of a 32-hex id as a 64-bit value; both top-bit values, as the old cookie forced it on. */
    static List<Long> half(String id, int i) {
        long v = Long.parseUnsignedLong(id.substring(16 * i, 16 * i + 16), 16);
        return v < 0 ? List.of(v, v & Long.MAX_VALUE) : List.of(v);
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    static long unmix64(long z) {
        z = z ^ (z >>> 33);
        z *= inverse(0xc4ceb9fe1a85ec53L);
        z = z ^ (z >>> 33);
        z *= inverse(0xff51afd7ed558ccdL);
        return z ^ (z >>> 33);
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct bits). */
    static long inverse(long a) {
        long x = a;
        for (int i = 0; i < 5; i++) {
            x *= 2 - a * x;
        }
        return x;
    }
}
