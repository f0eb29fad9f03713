package dev.fader.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.fader.testing.TestInstance;
import dev.fader.testing.WireMockUpstreams;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The admin API of a running instance: metrics, status, feedback, reload, health and the token. */
class AdminIT {
    @RegisterExtension
    static final WireMockExtension upstream = WireMockUpstreams.perClass(options().disableRequestJournal());
    @TempDir
    Path dir;
    TestInstance fader;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static final String YAML = """
            listen: 127.0.0.1:0
            admin: 127.0.0.1:0
            admin-token: t0ken
            access-log: "off"
            upstreams:
              stable: { endpoints: [127.0.0.1:%d] }
              canary: { endpoints: [127.0.0.1:%d] }
            rollouts:
              - name: shop
                baseline: stable
                user-key: [header:X-User-Id]
                explain: true
                split: { canary: 30%% }
            """;

    @BeforeAll
    static void stubUpstream() {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @BeforeEach
    void start() throws Exception {
        fader = TestInstance.start(dir, YAML.formatted(upstream.getPort(), upstream.getPort()));
    }

    @AfterEach
    void stop() {
        fader.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(fader.admin(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, boolean withToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(fader.admin(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            b.header("Content-Type", "application/json");
        }
        if (withToken) {
            b.header("Authorization", "Bearer t0ken");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String variantOf(String user) throws Exception {
        String d = client.send(HttpRequest.newBuilder(fader.uri("/")).header("X-User-Id", user).build(),
                HttpResponse.BodyHandlers.ofString()).headers().firstValue("X-Fader-Decision").orElseThrow();
        return d.replaceAll(".*variant=([^;]+);.*", "$1");
    }

    @Test
    void metricsAreValidPrometheusTextWithTheContractsNames() throws Exception {
        for (int i = 0; i < 30; i++) {
            variantOf("user-" + i);
        }
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        Pattern sample = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})? "
                + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( [0-9]+)?");
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            assertThat(sample.matcher(line).matches()).as("sample line: %s", line).isTrue();
        }
        assertThat(r.body())
                .contains("fader_requests_total{outcome=\"2xx\",rollout=\"shop\",upstream=\"canary\",variant=\"canary\"}")
                .contains("fader_upstream_latency_seconds_bucket{rollout=\"shop\",variant=\"stable\"")
                .contains("fader_config_epoch 1.0")
                .contains("fader_reloads_total{result=\"ok\"} 0.0")
                .contains("fader_reloads_total{result=\"error\"} 0.0")
                .contains("fader_rollout_weight_ratio{layer=\"everyone\",rollout=\"shop\",variant=\"canary\"} 0.3")
                .contains("jvm_memory_used_bytes")
                .contains("executor_workers");
        double total = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("fader_requests_total{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertThat(total).isEqualTo(30);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusCarriesTheContractsFields() throws Exception {
        for (int i = 0; i < 20; i++) {
            variantOf("user-" + i);
        }
        HttpResponse<String> r = get("/status");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> status = new Yaml().load(r.body());
        assertThat(status).containsKeys("epoch", "config", "lastReload", "rollouts");
        assertThat((Map<String, Object>) status.get("lastReload")).containsKeys("ok", "at", "error");
        Map<String, Object> rollout = ((List<Map<String, Object>>) status.get("rollouts")).get(0);
        assertThat(rollout).containsEntry("name", "shop").containsEntry("state", "static").containsKeys("layers", "step");
        Map<String, Map<String, Object>> variants = (Map<String, Map<String, Object>>) rollout.get("variants");
        assertThat(variants).containsOnlyKeys("stable", "canary");
        for (Map<String, Object> v : variants.values()) {
            assertThat(v).containsKeys("upstream", "requests", "errors", "errorRate", "p50Ms", "p99Ms", "feedback", "verdict");
        }
        long requests = ((Number) variants.get("stable").get("requests")).longValue()
                + ((Number) variants.get("canary").get("requests")).longValue();
        assertThat(requests).isEqualTo(20);
        assertThat(variants.get("canary").get("verdict")).isEqualTo("INSUFFICIENT_DATA");
    }

    @Test
    @SuppressWarnings("unchecked")
    void explicitFeedbackLandsOnTheVariantTheUserIsRoutedTo() throws Exception {
        String canaryUser = null;
        String stableUser = null;
        for (int i = 0; canaryUser == null || stableUser == null; i++) {
            String v = variantOf("fb-" + i);
            if (v.equals("canary") && canaryUser == null) {
                canaryUser = "fb-" + i;
            } else if (v.equals("stable") && stableUser == null) {
                stableUser = "fb-" + i;
            }
        }
        assertThat(post("/feedback", "{\"rollout\":\"shop\",\"user\":\"" + canaryUser + "\",\"label\":\"negative\"}", false)
                .statusCode()).isEqualTo(401);
        HttpResponse<String> ok = post("/feedback", "{\"rollout\":\"shop\",\"user\":\"" + canaryUser
                + "\",\"label\":\"negative\",\"score\":1}", true);
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(ok.body()).contains("\"variant\":\"canary\"");
        post("/feedback", "{\"rollout\":\"shop\",\"user\":\"" + stableUser + "\",\"label\":\"positive\"}", true);
        Map<String, Object> status = new Yaml().load(get("/status").body());
        Map<String, Map<String, Object>> variants = (Map<String, Map<String, Object>>)
                ((List<Map<String, Object>>) status.get("rollouts")).get(0).get("variants");
        assertThat((Map<String, Object>) variants.get("canary").get("feedback")).containsEntry("negative", 1).containsEntry("positive", 0);
        assertThat((Map<String, Object>) variants.get("stable").get("feedback")).containsEntry("positive", 1).containsEntry("negative", 0);
        assertThat(post("/feedback", "{\"rollout\":\"nope\",\"user\":\"u\",\"label\":\"positive\"}", true).statusCode()).isEqualTo(404);
        assertThat(post("/feedback", "{\"rollout\":\"shop\",\"user\":\"u\",\"label\":\"meh\"}", true).statusCode()).isEqualTo(400);
        assertThat(post("/feedback", "not json {", true).statusCode()).isEqualTo(400);
    }

    @Test
    void reloadAppliesAGoodFileAndRefusesABadOneWith422() throws Exception {
        Files.writeString(fader.file(), YAML.formatted(upstream.getPort(), upstream.getPort()).replace("30%", "100%"));
        HttpResponse<String> ok = post("/reload", "", true);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"epoch\":2");
        assertThat(variantOf("anyone")).isEqualTo("canary");
        Files.writeString(fader.file(), YAML.formatted(upstream.getPort(), upstream.getPort()).replace("canary: 30%", "canry: 30%"));
        HttpResponse<String> bad = post("/reload", "", true);
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("rollout.yaml:13:").contains("unknown variant 'canry'");
        assertThat(variantOf("anyone")).isEqualTo("canary");
        assertThat(get("/status").body()).contains("\"ok\":false").contains("\"epoch\":2");
        assertThat(fader.metric("fader_reloads_total{result=\"ok\"}")).isEqualTo(1);
        assertThat(fader.metric("fader_reloads_total{result=\"error\"}")).isEqualTo(1);
    }

    @Test
    void healthTurns503WhileDrainingAndUnknownThingsAre404() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(post("/rollouts/nope/pause", "", true).statusCode()).isEqualTo(404);
        assertThat(post("/rollouts/shop/pause", "", true).statusCode()).isEqualTo(409);
        assertThat(fader.instance().drain(Duration.ofSeconds(2))).isTrue();
        assertThat(get("/healthz").statusCode()).isEqualTo(503);
    }
}
