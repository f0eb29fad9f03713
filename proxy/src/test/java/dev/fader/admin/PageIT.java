package dev.fader.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.fader.analysis.RolloutState;
import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import dev.fader.testing.WireMockUpstreams;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page in a real browser: Debian's headless Chromium driven by Selenium through Debian's
 * chromedriver (both installed by {@code .ci/run}; nothing is downloaded). After traffic, the page shows
 * the rollout and both variants with the counts {@code /status} gives; a pause clicked on the page (and
 * confirmed) pauses the rollout; everything the page loaded came from the admin port.
 */
class PageIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    @RegisterExtension
    static WireMockExtension stable = WireMockUpstreams.perClass();
    @RegisterExtension
    static WireMockExtension canary = WireMockUpstreams.perClass();
    Instance fader;
    ChromeDriver browser;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void stub() {
        stable.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("stable")));
        canary.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("canary")));
    }

    void open(String top) throws Exception {
        Path file = dir.resolve("rollout.yaml");
        Files.writeString(file, top + """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                access-log: "off"
                feedback: { window: 10m }
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: web
                    baseline: stable
                    user-key: [header:X-User-Id]
                    layers:
                      - name: everyone
                        split: { canary: 0%% }
                    progressive:
                      steps: [25%%, 100%%]
                      step-min-duration: 1h
                      state-dir: state
                """.formatted(stable.getPort(), canary.getPort()));
        fader = new Instance(file, ConfigLoader.load(file), 1).start();
        ChromeOptions o = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,1600", "--no-first-run", "--disable-background-networking");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (fader != null) {
            fader.close();
        }
    }

    String admin(String path) {
        return "http://127.0.0.1:" + fader.adminAddress().getPort() + path;
    }

    JsonNode status() throws Exception {
        return JSON.readTree(client.send(HttpRequest.newBuilder(URI.create(admin("/status"))).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("rollouts").get(0);
    }

    /** Clicks the element {@code css} names, finding it again if the page redrew it in between. */
    static void click(org.openqa.selenium.support.ui.Wait<org.openqa.selenium.WebDriver> wait, String css) {
        wait.until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    @Test
    void thePageShowsWhatStatusSaysAndAPauseClickedThereActs() throws Exception {
        open("");
        for (int i = 0; i < 120; i++) {
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fader.proxyAddress().getPort() + "/x"))
                    .header("X-User-Id", "u" + i).build(), HttpResponse.BodyHandlers.discarding());
        }
        browser.get(admin("/"));
        // The page redraws every 2 s, so an element read may be replaced under the read: look again.
        var wait = new WebDriverWait(browser, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section.rollout[data-rollout='web'] tr[data-variant='canary']")));
        JsonNode status = status();
        for (String variant : List.of("stable", "canary")) {
            long requests = status.get("variants").get(variant).get("requests").asLong();
            assertThat(requests).isPositive();
            wait.until(d -> d.findElement(By.cssSelector("tr[data-variant='" + variant + "'] td.requests")).getText()
                    .replace(",", "").equals(Long.toString(requests)));
        }
        String web = "section.rollout[data-rollout='web'] ";
        wait.until(d -> d.findElement(By.cssSelector(web + ".state")).getText().equals("progressing"));
        wait.until(d -> d.findElement(By.cssSelector(web + ".split")).getText().contains("everyone: stable 75%, canary 25%"));
        wait.until(d -> !d.findElements(By.cssSelector(".chart canvas")).isEmpty());

        click(wait, web + "button[data-action='pause']");
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> fader.controllers().get("web").state().phase() == RolloutState.Phase.PAUSED);
        wait.until(d -> d.findElement(By.cssSelector("section.rollout[data-rollout='web'] .state")).getText().equals("paused"));
        assertThat(status().get("history").toString()).contains("paused by the operator");

        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
        assertThat(loaded).isNotEmpty().allMatch(u -> u.startsWith(admin("/")), "from the admin port");
        assertThat(loaded).anyMatch(u -> u.endsWith("/ui/uPlot.iife.min.js"));
        Files.write(Path.of("target/page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        // On a phone's width the page itself does not scroll sideways (a wide table scrolls in its own box).
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        Thread.sleep(300);
        Number overflow = (Number) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).as("sideways overflow at 390 px").isLessThanOrEqualTo(0);
    }

    @Test
    void withAnAdminTokenThePageAsksForItOnceAndTheActionGoesThrough() throws Exception {
        open("admin-token: s3cret\n");
        browser.get(admin("/"));
        // The page redraws every 2 s, so an element read may be replaced under the read: look again.
        var wait = new WebDriverWait(browser, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class);
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-action='pause']"))).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept(); // "Pause rollout web?"
        org.openqa.selenium.Alert ask = wait.until(ExpectedConditions.alertIsPresent()); // 401: the token
        assertThat(ask.getText()).contains("admin-token");
        ask.sendKeys("s3cret");
        ask.accept();
        wait.until(d -> fader.controllers().get("web").state().phase() == RolloutState.Phase.PAUSED);
        click(wait, "button[data-action='resume']");
        wait.until(ExpectedConditions.alertIsPresent()).accept(); // asked once: the tab keeps the token
        wait.until(d -> fader.controllers().get("web").state().phase() == RolloutState.Phase.PROGRESSING);
    }
}
