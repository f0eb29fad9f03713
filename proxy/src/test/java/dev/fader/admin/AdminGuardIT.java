package dev.fader.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestInstance;
import dev.fader.testing.WireMockUpstreams;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each attack on the admin port of issue 24, against a running instance, as raw bytes (so the Host, Origin and
 * Sec-Fetch-Site an attacker's browser or script would send can be written as they are): every one of them was
 * served before the guard, and the rollout's state shows none of them acted.
 */
class AdminGuardIT {
    @RegisterExtension
    static final WireMockExtension upstream = WireMockUpstreams.perClass();
    @TempDir
    Path dir;
    TestInstance fader;

    static final String YAML = """
            listen: 127.0.0.1:0
            admin: 127.0.0.1:0
            %s
            access-log: "off"
            upstreams:
              stable: { endpoints: [127.0.0.1:%d] }
              canary: { endpoints: [127.0.0.1:%d] }
            rollouts:
              - name: web
                baseline: stable
                user-key: [header:X-User-Id]
                split: { canary: 0%% }
                progressive:
                  steps: [25%%, 100%%]
                  step-min-duration: 1h
                  state-dir: state
            """;

    @BeforeAll
    static void stub() {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    void start(String credentials) throws Exception {
        fader = TestInstance.start(dir, YAML.formatted(credentials, upstream.getPort(), upstream.getPort()));
    }

    @AfterEach
    void stop() {
        if (fader != null) {
            fader.close();
        }
    }

    int port() {
        return fader.instance().adminAddress().getPort();
    }

    RawHttp.Response send(String method, String path, String... headersThenBody) throws Exception {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        String body = "";
        boolean hostGiven = false;
        for (String h : headersThenBody) {
            if (h.startsWith("\n")) {
                body = h.substring(1);
            } else {
                hostGiven |= h.regionMatches(true, 0, "Host:", 0, 5);
                req.append(h).append("\r\n");
            }
        }
        if (!hostGiven) {
            req.append("Host: 127.0.0.1:").append(port()).append("\r\n");
        }
        req.append("Content-Length: ").append(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .append("\r\nConnection: close\r\n\r\n").append(body);
        try (RawHttp c = RawHttp.connect(port())) {
            return c.send(req.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).read();
        }
    }

    String state() throws Exception {
        return fader.instance().controllers().get("web").state().phase().label();
    }

    @Test
    void aForeignHostIsMisdirectedSoDnsRebindingReadsAndChangesNothing() throws Exception {
        start("admin-hosts: [fader-admin.internal]");
        assertThat(send("GET", "/status", "Host: attacker.example").status()).isEqualTo(421);
        assertThat(send("POST", "/rollouts/web/abort", "Host: attacker.example:" + port()).status()).isEqualTo(421);
        assertThat(state()).isEqualTo("progressing");
        assertThat(send("GET", "/status", "Host: localhost:" + port()).status()).isEqualTo(200);
        assertThat(send("GET", "/status", "Host: FADER-ADMIN.internal").status()).isEqualTo(200);
        assertThat(send("GET", "/status", "Host: [::1]:" + port()).status()).isEqualTo(200);
        assertThat(send("GET", "/healthz", "Host: anything.example").status()).isEqualTo(200); // probes by any name
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"host\"}")).isEqualTo(2);
        // Known labels are there at 0 from the start, so alerts on their increase see data, not "no data".
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"origin\"}")).isZero();
        assertThat(fader.metric("fader_state_write_errors_total{rollout=\"web\"}")).isZero();
    }

    @Test
    void aRequestFromAnotherSiteIsRefusedEvenWithoutAToken() throws Exception {
        start("");
        RawHttp.Response foreign = send("POST", "/rollouts/web/abort", "Origin: http://127.0.0.1:1");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.text()).contains("Origin 'http://127.0.0.1:1' is not this admin port");
        assertThat(send("POST", "/rollouts/web/promote", "Origin: null").status()).isEqualTo(403);
        assertThat(send("POST", "/rollouts/web/pause", "Sec-Fetch-Site: cross-site").status()).isEqualTo(403);
        assertThat(send("POST", "/rollouts/web/pause", "Sec-Fetch-Site: same-site").status()).isEqualTo(403);
        // A form can post text/plain or urlencoded bodies across sites without a preflight: never accepted.
        RawHttp.Response form = send("POST", "/feedback", "Content-Type: text/plain", "\n{\"rollout\":\"web\"}");
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.text()).contains("(expected: application/json)");
        assertThat(send("POST", "/feedback", "Content-Type: application/x-www-form-urlencoded", "\na=b").status())
                .isEqualTo(415);
        assertThat(state()).isEqualTo("progressing");
        // The port's own page (same origin) and curl (no Origin at all) still act.
        assertThat(send("POST", "/rollouts/web/pause", "Origin: http://127.0.0.1:" + port(),
                "Sec-Fetch-Site: same-origin").status()).isEqualTo(200);
        assertThat(send("POST", "/rollouts/web/resume").status()).isEqualTo(200);
        assertThat(state()).isEqualTo("progressing");
    }

    @Test
    void eachTokenDoesWhatItsKindAllowsAndNoMore() throws Exception {
        start("admin-token: adm1n-secret\nfeedback-token: feedb4ck-secret\nadmin-read-token: re4d-secret");
        String json = "Content-Type: application/json";
        String body = "\n{\"rollout\":\"web\",\"user\":\"nobody\",\"label\":\"negative\"}";
        assertThat(send("POST", "/rollouts/web/abort").status()).isEqualTo(401);
        assertThat(send("POST", "/rollouts/web/abort", "Authorization: Bearer wrong").status()).isEqualTo(401);
        RawHttp.Response wrongKind = send("POST", "/rollouts/web/abort", "Authorization: Bearer feedb4ck-secret");
        assertThat(wrongKind.status()).isEqualTo(403);
        assertThat(wrongKind.text()).contains("(expected: admin-token)").doesNotContain("adm1n-secret");
        assertThat(send("POST", "/rollouts/web/abort", "Authorization: Bearer re4d-secret").status()).isEqualTo(403);
        assertThat(state()).isEqualTo("progressing");
        // feedback: its own token or the admin token; the read token may not give evidence
        assertThat(send("POST", "/feedback", json, body).status()).isEqualTo(401);
        assertThat(send("POST", "/feedback", json, "Authorization: Bearer re4d-secret", body).status()).isEqualTo(403);
        assertThat(send("POST", "/feedback", json, "Authorization: Bearer feedb4ck-secret", body).status()).isEqualTo(404);
        // read: the read token or the admin token; health and metrics stay open
        assertThat(send("GET", "/status").status()).isEqualTo(401);
        assertThat(send("GET", "/status", "Authorization: Bearer feedb4ck-secret").status()).isEqualTo(403);
        assertThat(send("GET", "/status", "Authorization: Bearer re4d-secret").status()).isEqualTo(200);
        RawHttp.Response status = send("GET", "/status", "Authorization: Bearer adm1n-secret");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.text()).contains("\"persisted\":{\"ok\":true").doesNotContain("adm1n-secret");
        assertThat(send("GET", "/healthz").status()).isEqualTo(200);
        RawHttp.Response metrics = send("GET", "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).doesNotContain("adm1n-secret").doesNotContain("feedb4ck").doesNotContain("re4d-secret");
        assertThat(send("POST", "/rollouts/web/abort", "Authorization: Bearer adm1n-secret").status()).isEqualTo(200);
        assertThat(state()).isEqualTo("aborted");
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"missing\"}")).isEqualTo(3);
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"wrong-kind\"}")).isEqualTo(4);
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"invalid\"}")).isEqualTo(1);
    }

    @Test
    void guessingTokensIsRateLimitedPerPeer() throws Exception {
        start("admin-token: adm1n-secret");
        for (int i = 0; i < AuthFailures.LIMIT; i++) {
            assertThat(send("POST", "/reload", "Authorization: Bearer guess-" + i).status()).isEqualTo(401);
        }
        RawHttp.Response blocked = send("POST", "/rollouts/web/abort", "Authorization: Bearer adm1n-secret");
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.header("Retry-After")).isNotNull();
        assertThat(state()).isEqualTo("progressing");
        assertThat(send("GET", "/healthz").status()).isEqualTo(200);
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"rate-limited\"}")).isEqualTo(1);
    }

    @Test
    void tokensRotateOnReload() throws Exception {
        start("admin-token: first-secret");
        Files.writeString(fader.file(), Files.readString(fader.file()).replace("first-secret", "second-secret"));
        assertThat(send("POST", "/reload", "Authorization: Bearer first-secret").status()).isEqualTo(200);
        assertThat(send("POST", "/rollouts/web/pause", "Authorization: Bearer first-secret").status()).isEqualTo(401);
        assertThat(send("POST", "/rollouts/web/pause", "Authorization: Bearer second-secret").status()).isEqualTo(200);
    }

    /**
     * Ten clients dribbling 16 KiB feedback bodies, ten more posting them whole as fast as they can, and a
     * reload of a FIFO: health and manual control still answer within a second (the readiness probe's limit).
     */
    @Test
    void healthAndControlAnswerWhileBodiesAndAReloadAreInProgress() throws Exception {
        start("");
        String body = "{\"rollout\":\"web\",\"user\":\"u\",\"label\":\"negative\",\"comment\":\""
                + "x".repeat(AdminServer.MAX_BODY - 100) + "\"}";
        java.util.List<RawHttp> slow = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService flood = java.util.concurrent.Executors.newFixedThreadPool(10);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Path fifo = dir.resolve("fifo.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        try {
            for (int i = 0; i < 10; i++) {
                RawHttp c = RawHttp.connect(port());
                c.send("POST /feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body.substring(0, 100));
                slow.add(c);
            }
            for (int i = 0; i < 10; i++) {
                flood.execute(() -> {
                    while (!stop.get()) {
                        try {
                            send("POST", "/feedback", "Content-Type: application/json", "\n" + body);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
            java.nio.file.Files.delete(fader.file());
            java.nio.file.Files.createSymbolicLink(fader.file(), fifo);
            RawHttp.Response reload = send("POST", "/reload");
            assertThat(reload.status()).isEqualTo(422);
            assertThat(reload.text()).contains("not a regular file");
            long worst = 0;
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                assertThat(send("GET", "/healthz").status()).isEqualTo(200);
                assertThat(send("GET", "/metrics").status()).isEqualTo(200);
                worst = Math.max(worst, System.nanoTime() - t0);
            }
            long t0 = System.nanoTime();
            assertThat(send("POST", "/rollouts/web/abort").status()).isEqualTo(200);
            worst = Math.max(worst, System.nanoTime() - t0);
            System.out.printf("admin under 10 slow and 10 flooding 16 KiB feedback bodies and a FIFO reload:"
                    + " worst /healthz+/metrics or abort %.1f ms%n", worst / 1e6);
            assertThat(worst).isLessThan(1_000_000_000L);
            assertThat(state()).isEqualTo("aborted");
        } finally {
            stop.set(true);
            flood.shutdownNow();
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }

    @Test
    void bodiesAreBoundedAndThePageCannotBeFramed() throws Exception {
        start("");
        String big = "\n{\"comment\":\"" + "x".repeat(AdminServer.MAX_BODY) + "\"}";
        assertThat(send("POST", "/feedback", "Content-Type: application/json", big).status()).isEqualTo(413);
        RawHttp.Response page = send("GET", "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    }
}
