package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.feedback.Outcome;
import dev.fader.feedback.WindowSnapshot;
import dev.fader.testing.AnswerHandler;
import dev.fader.testing.AnswerHandler.Answer;
import dev.fader.testing.Configs;
import dev.fader.testing.TestProxy;
import dev.fader.testing.TestUpstream;
import io.netty.channel.ChannelHandler;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Ejection and fallback protect users without distorting what is measured: a flaky canary is judged by
 * the answers it gave, a canary that cannot be reached has its users served by the baseline.
 */
class UpstreamHealthIT {
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String variantOf(HttpResponse<?> r) {
        return r.headers().firstValue("X-Fader-Decision").orElseThrow().replaceAll(".*variant=([^;]+);.*", "$1");
    }

    @Test
    void aCanaryFailingThirtyPercentShowsThatRateNotOneInflatedByEjection() throws Exception {
        Random failures = new Random(42); // used on the canary's one event loop, in arrival order
        AtomicInteger canaryErrors = new AtomicInteger();
        AtomicLong clock = new AtomicLong();
        try (TestUpstream stable = TestUpstream.start(() -> new ChannelHandler[] {
                new AnswerHandler(uri -> new Answer(200, "stable"))});
             TestUpstream canary = TestUpstream.start(() -> new ChannelHandler[] {new AnswerHandler(uri -> {
                 if (failures.nextDouble() < 0.30) {
                     canaryErrors.incrementAndGet();
                     return new Answer(500, "canary failed");
                 }
                 return new Answer(200, "canary");
             })});
             // Ejection after 3 failures in a row, 10 s of the proxy's ticker, which moves 1 s per request:
             // the canary is ejected many times within the run, whatever the machine's speed.
             TestProxy proxy = TestProxy.start(Configs.twoVariants(stable.port(),
                     "{ endpoints: [127.0.0.1:" + canary.port() + "] }", 50, "outlier-consecutive-failures: 3\n"), clock::get)) {
            int canaryUsers = 0;
            for (int i = 0; i < 2000; i++) {
                clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(proxy.uri("/")).header("X-User-Id", "u" + i)
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.headers().firstValue("Server")).as("a Fader-made answer").isEmpty();
                assertThat(r.body()).isIn("stable", "canary", "canary failed");
                canaryUsers += variantOf(r).equals("canary") ? 1 : 0;
            }
            WindowSnapshot w = proxy.window("web", "canary");
            assertThat(w.fallbacks()).as("users of the ejected canary served by the baseline").isGreaterThan(20);
            assertThat(w.requests()).isEqualTo(canary.requests());
            assertThat(w.requests() + w.fallbacks()).isEqualTo(canaryUsers);
            assertThat(w.errorRate()).isEqualTo((double) canaryErrors.get() / canary.requests());
            assertThat(w.errorRate()).isBetween(0.25, 0.35);
            assertThat(proxy.window("web", "stable").errors()).isZero();
        }
    }

    @Test
    void aCanaryPoolThatRefusesConnectionsHasAllItsUsersServedByTheBaseline() throws Exception {
        int refusing;
        try (ServerSocket s = new ServerSocket(0)) {
            refusing = s.getLocalPort();
        }
        try (TestUpstream stable = TestUpstream.start(() -> new ChannelHandler[] {
                new AnswerHandler(uri -> new Answer(200, "stable"))});
             TestProxy proxy = TestProxy.start(Configs.twoVariants(stable.port(),
                     "{ endpoints: [127.0.0.1:" + refusing + "] }", 50, ""))) {
            int canaryUsers = 0;
            for (int i = 0; i < 300; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(proxy.uri("/")).header("X-User-Id", "u" + i)
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("stable");
                canaryUsers += variantOf(r).equals("canary") ? 1 : 0;
            }
            assertThat(canaryUsers).isBetween(100, 200);
            WindowSnapshot w = proxy.window("web", "canary");
            assertThat(w.fallbacks()).isEqualTo(canaryUsers);
            // Its connect errors are its own (until ejected, then its users go straight to the baseline).
            assertThat(w.errorRate()).isEqualTo(1.0);
            assertThat(w.requests()).isBetween(1L, 10L);
            assertThat(proxy.outcomes()).filteredOn(o -> o.variant().equals("canary"))
                    .allSatisfy(o -> {
                        assertThat(o.route().fallback()).isTrue();
                        assertThat(o.route().upstream()).isEqualTo("stable");
                        assertThat(o.kind()).isIn(Outcome.Kind.CONNECT_ERROR, Outcome.Kind.FALLBACK);
                    });
            assertThat(stable.requests()).isEqualTo(300);
        }
    }
}
