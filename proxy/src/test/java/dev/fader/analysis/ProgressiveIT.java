package dev.fader.analysis;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import dev.fader.testing.TestInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progressive delivery end to end: real proxy, WireMock upstreams, an injected clock, ticks by hand. */
class ProgressiveIT {
    @TempDir
    Path dir;
    WireMockServer stable;
    WireMockServer canary;
    WireMockServer hooks;
    final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Path file;
    Instance fader;
    int users;

    @BeforeEach
    void start() throws Exception {
        stable = server("stable");
        canary = server("canary");
        hooks = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        hooks.start();
        hooks.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
        file = dir.resolve("rollout.yaml");
        Files.writeString(file, yaml(""));
        fader = open();
    }

    WireMockServer server(String name) {
        WireMockServer s = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        s.start();
        s.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody(name)));
        return s;
    }

    String yaml(String extra) {
        return """
                listen: 127.0.0.1:0
                access-log: "off"
                outlier-consecutive-failures: 0   # judged by the rollout gates alone here
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: web
                    baseline: stable
                    user-key: [header:X-User-Id]
                %s    layers:
                      - name: testers
                        force: header:X-Fader-Force
                      - name: everyone
                        split: { canary: 0%% }
                    progressive:
                      steps: [10%%, 50%%, 100%%]
                      step-min-duration: 1m
                      step-min-requests: 40
                      analysis: { max-error-ratio: 1.5, max-error-increase: 0.5%%, alpha: 0.01 }
                      state-dir: state
                      notify: [http://127.0.0.1:%d/hook]
                """.formatted(stable.port(), canary.port(), extra, hooks.port());
    }

    Instance open() throws Exception {
        return new Instance(file, ConfigLoader.load(file), 2, clock::get, false).start();
    }

    @AfterEach
    void stop() {
        if (fader != null) {
            fader.close();
        }
        stable.stop();
        canary.stop();
        hooks.stop();
    }

    String get(String user, String force) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fader.proxyAddress().getPort() + "/x"))
                .header("X-User-Id", user);
        if (force != null) {
            b.header("X-Fader-Force", force);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** {@code n} requests from new users; returns how many the canary served. */
    int traffic(int n) throws Exception {
        int onCanary = 0;
        for (int i = 0; i < n; i++) {
            onCanary += get("user-" + users++, null).equals("canary") ? 1 : 0;
        }
        return onCanary;
    }

    void minute() {
        clock.addAndGet(TimeUnit.SECONDS.toMillis(61));
        fader.tick();
    }

    RolloutState state() {
        return fader.controllers().get("web").state();
    }

    @Test
    void aHealthyCanaryWalksEveryStepToPromoted() throws Exception {
        assertThat(traffic(600)).isBetween(30, 90); // 10%
        minute();
        assertThat(state().step()).isEqualTo(1);
        assertThat(traffic(200)).isBetween(70, 130); // 50%
        minute();
        assertThat(state().phase()).isEqualTo(RolloutState.Phase.PROMOTED);
        assertThat(traffic(50)).isEqualTo(50);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hooks.findAll(postRequestedFor(urlEqualTo("/hook"))).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hooks.findAll(postRequestedFor(urlEqualTo("/hook"))))
                .extracting(r -> r.getBodyAsString()).anySatisfy(b -> assertThat(b).contains("\"to\":\"promoted\""));
    }

    @Test
    void aCanaryThatStartsFailingIsAbortedStaysAbortedAcrossARestartAndRestartsOnANewDefinition() throws Exception {
        traffic(600);
        minute();
        assertThat(state().step()).isEqualTo(1);
        canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503).withBody("canary down")));
        for (int i = 0; i < 20 && state().phase() == RolloutState.Phase.PROGRESSING; i++) {
            traffic(20);
            fader.tick(); // no time passes: evidence alone aborts
        }
        assertThat(state().phase()).isEqualTo(RolloutState.Phase.ABORTED);
        assertThat(state().reason()).contains("gate failed at 50%: errors");
        // The engine's view as metrics: the state, the step, the failed gate's evidence over its bar.
        String metrics = fader.metrics().scrape();
        assertThat(metrics).contains("fader_rollout_state{rollout=\"web\",state=\"aborted\"} 1.0")
                .contains("fader_rollout_state{rollout=\"web\",state=\"progressing\"} 0.0")
                .contains("fader_rollout_step{rollout=\"web\"} 2.0")
                .contains("fader_sample_ratio_mismatch{rollout=\"web\"} 0.0");
        assertThat(TestInstance.sample(metrics, "fader_analysis_evidence{gate=\"errors\",rollout=\"web\"}"))
                .isGreaterThanOrEqualTo(TestInstance.sample(metrics, "fader_analysis_evidence_needed{gate=\"errors\",rollout=\"web\"}"))
                .isGreaterThan(1);
        canary.resetRequests();
        assertThat(traffic(200)).isZero();
        assertThat(canary.getAllServeEvents()).isEmpty();
        assertThat(get("tester", "canary")).isEqualTo("canary down"); // testers still reach it

        fader.close();
        fader = open();
        assertThat(state().phase()).isEqualTo(RolloutState.Phase.ABORTED);
        assertThat(traffic(100)).isZero();

        Files.writeString(file, yaml("    revision: v2\n"));
        assertThat(fader.reload().ok()).isTrue();
        assertThat(state().phase()).isEqualTo(RolloutState.Phase.PROGRESSING);
        assertThat(state().step()).isZero();
        canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("canary")));
        assertThat(traffic(400)).isBetween(15, 70);
    }

    @Test
    void lowTrafficHoldsAndStatusSaysWhy() throws Exception {
        traffic(30);
        clock.addAndGet(TimeUnit.HOURS.toMillis(2));
        fader.tick();
        assertThat(state().phase()).isEqualTo(RolloutState.Phase.PROGRESSING);
        assertThat(state().step()).isZero();
        String status = fader.controllers().get("web").state().reason();
        assertThat(status).contains("holding at 10%").contains("INSUFFICIENT_DATA");
        assertThat(fader.control("web", "pause").status()).isEqualTo(200);
        assertThat(fader.control("web", "promote").status()).isEqualTo(200);
        assertThat(traffic(20)).isEqualTo(20);
    }
}
