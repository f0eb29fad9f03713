package dev.fader.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.fader.feedback.Binomial;
import dev.fader.routing.Buckets;
import dev.fader.testing.TestProxy;
import dev.fader.testing.WireMockUpstreams;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing through the running proxy: the split, stickiness, and the decision headers both ways. */
class RoutedProxyIT {
    @RegisterExtension
    static final WireMockExtension stable = WireMockUpstreams.perClass(options().containerThreads(24).disableRequestJournal());
    @RegisterExtension
    static final WireMockExtension canary = WireMockUpstreams.perClass(options().containerThreads(24).disableRequestJournal());

    @BeforeAll
    static void stub() {
        stable.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("X-Backend", "stable").withBody("stable")));
        canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("X-Backend", "canary").withBody("canary")));
    }

    static String config(String extra) {
        return """
                listen: 127.0.0.1:0
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: shop
                    baseline: stable
                    variants: { stable: stable, canary: canary }
                    user-key: [header:X-User-Id]
                %s
                """.formatted(stable.getPort(), canary.getPort(), extra.stripIndent().lines()
                .map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n"));
    }

    @Test
    void tenThousandRequestsFromTwoThousandUsersSplitTenPercentAndStick() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, Set<String>> seenBy = new ConcurrentHashMap<>();
        try (TestProxy proxy = TestProxy.start(config("split: { canary: 10% }"))) {
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int u = 0; u < 2000; u++) {
                    String user = "user-" + u;
                    inFlight.acquire();
                    all.add(client.sendAsync(HttpRequest.newBuilder(proxy.uri("/item/" + u))
                            .header("X-User-Id", user).build(), HttpResponse.BodyHandlers.ofString())
                            .whenComplete((r, e) -> {
                                inFlight.release();
                                if (e == null && r.statusCode() == 200) {
                                    seenBy.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(r.body());
                                }
                            }));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }
        assertThat(seenBy).hasSize(2000);
        long canaryUsers = 0;
        for (Map.Entry<String, Set<String>> e : seenBy.entrySet()) {
            assertThat(e.getValue()).as("variants seen by %s", e.getKey()).hasSize(1);
            String expected = Buckets.of("shop:", e.getKey()) < 1000 ? "canary" : "stable";
            assertThat(e.getValue()).containsExactly(expected);
            canaryUsers += expected.equals("canary") ? 1 : 0;
        }
        long[] ci = Binomial.interval(2000, 0.10, 0.999);
        assertThat(canaryUsers).isBetween(ci[0], ci[1]);
    }

    @Test
    void decisionHeadersGoUpstreamAndBackWhenExplainIsOn() throws Exception {
        stable.resetRequests();
        canary.resetRequests();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        WireMockServer journaled = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        journaled.start();
        journaled.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
        String yaml = config("explain: true\nsplit: { canary: 100% }").replace("canary: { endpoints: [127.0.0.1:"
                + canary.getPort(), "canary: { endpoints: [127.0.0.1:" + journaled.port());
        try (TestProxy proxy = TestProxy.start(yaml)) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(proxy.uri("/x"))
                    .header("X-User-Id", "alice").header("X-Fader-Variant", "spoofed").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("X-Fader-Decision")).contains(
                    "rollout=shop;variant=canary;layer=everyone;bucket=" + Buckets.of("shop:", "alice") + ";epoch=1");
            LoggedRequest seen = journaled.getAllServeEvents().get(0).getRequest();
            assertThat(seen.getHeader("X-Fader-Variant")).isEqualTo("canary");
            assertThat(seen.getHeader("X-Fader-Rollout")).isEqualTo("shop");
        } finally {
            journaled.stop();
        }
    }

    @Test
    void anonymousUserGetsACookieAndKeepsTheirVariant() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestProxy proxy = TestProxy.start(config("split: { canary: 50% }"))) {
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(proxy.uri("/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).startsWith("fader_uid=").contains("HttpOnly").contains("Path=/");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> again = client.send(HttpRequest.newBuilder(proxy.uri("/"))
                        .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(again.body()).isEqualTo(first.body());
                assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
            }
        }
    }
}
