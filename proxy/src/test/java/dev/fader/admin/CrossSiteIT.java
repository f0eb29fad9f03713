package dev.fader.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.sun.net.httpserver.HttpServer;
import dev.fader.testing.TestInstance;
import dev.fader.testing.WireMockUpstreams;
import java.io.File;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The cross-site attack of issue 24 in a real browser (Debian's headless Chromium, as {@link PageIT} drives
 * it): an operator with the admin port open on loopback visits a page on another origin, which tries a
 * self-submitting form (no CORS preflight) and {@code fetch} with {@code mode: "no-cors"} against the rollout's
 * controls. The browser sends them (the refusals are counted), and the rollout does not move.
 */
class CrossSiteIT {
    @RegisterExtension
    static final WireMockExtension upstream = WireMockUpstreams.perClass();
    @TempDir
    Path dir;
    TestInstance fader;
    HttpServer attacker;
    ChromeDriver browser;

    @BeforeAll
    static void stub() {
        upstream.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (attacker != null) {
            attacker.stop(0);
        }
        if (fader != null) {
            fader.close();
        }
    }

    @Test
    void aPageOnAnotherOriginCannotPauseAbortOrPromote() throws Exception {
        fader = TestInstance.start(dir, AdminGuardIT.YAML.formatted("", upstream.getPort(), upstream.getPort()));
        String admin = "http://127.0.0.1:" + fader.instance().adminAddress().getPort();
        String page = """
                <!doctype html><html><body>
                <form id="f" method="POST" action="%1$s/rollouts/web/abort" enctype="text/plain">
                  <input name='{"rollout":"web","user":"u","label":"' value='negative"}'></form>
                <script>
                  Promise.all([
                    fetch("%1$s/rollouts/web/pause", {method: "POST", mode: "no-cors"}),
                    fetch("%1$s/rollouts/web/promote", {method: "POST", mode: "no-cors", body: "x"}),
                    fetch("%1$s/feedback", {method: "POST", mode: "no-cors", body: '{"rollout":"web"}'})
                  ]).finally(() => { document.title = "sent"; document.getElementById("f").submit(); });
                </script></body></html>
                """.formatted(admin);
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", ex -> {
            byte[] b = page.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        attacker.start();
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
                        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                        "--disable-background-networking"));
        browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
        // The form's navigation lands on the admin port's refusal: then all four requests were answered.
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.getCurrentUrl().startsWith(admin));
        assertThat(browser.getPageSource()).contains("is not this admin port");
        assertThat(fader.metric("fader_admin_auth_failures_total{reason=\"origin\"}")).isEqualTo(4);
        assertThat(fader.instance().controllers().get("web").state().phase().label()).isEqualTo("progressing");
        assertThat(fader.instance().controllers().get("web").weight()).isEqualTo(2500);
    }
}
