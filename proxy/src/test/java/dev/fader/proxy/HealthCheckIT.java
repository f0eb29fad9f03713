package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.AnswerHandler;
import dev.fader.testing.AnswerHandler.Answer;
import dev.fader.testing.TestInstance;
import dev.fader.testing.TestUpstream;
import io.netty.channel.ChannelHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Active health checks take a failing endpoint out of its pool and bring it back, as /status and metrics show. */
class HealthCheckIT {
    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void anEndpointFailingItsCheckGetsNoTrafficUntilItPassesAgain() throws Exception {
        AtomicBoolean sick = new AtomicBoolean(true);
        AtomicInteger badServed = new AtomicInteger();
        try (TestUpstream good = TestUpstream.start(() -> new ChannelHandler[] {
                new AnswerHandler(uri -> new Answer(200, "good"))});
             TestUpstream bad = TestUpstream.start(() -> new ChannelHandler[] {new AnswerHandler(uri -> {
                 if (uri.equals("/healthz")) {
                     return new Answer(sick.get() ? 503 : 200, "checked");
                 }
                 badServed.incrementAndGet(); // only the health check can tell this endpoint is sick
                 return new Answer(200, "bad");
             })});
             TestInstance fader = TestInstance.start(dir, """
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     access-log: "off"
                     upstreams:
                       stable:
                         endpoints: [127.0.0.1:%d, 127.0.0.1:%d]
                         health-check: { path: /healthz, interval: 100ms, timeout: 100ms, unhealthy-after: 2, healthy-after: 2 }
                     rollouts:
                       - name: web
                         baseline: stable
                     """.formatted(good.port(), bad.port()))) {
            String goodKey = "127.0.0.1:" + good.port();
            String badKey = "127.0.0.1:" + bad.port();
            awaitHealth(fader, Map.of(goodKey, "healthy", badKey, "unhealthy"));
            int before = badServed.get();
            for (int i = 0; i < 50; i++) {
                assertThat(get(fader, "/x").body()).isEqualTo("good");
            }
            assertThat(badServed.get()).isEqualTo(before);
            assertThat(fader.metric("fader_endpoint_healthy{endpoint=\"" + badKey + "\",upstream=\"stable\"}")).isZero();
            assertThat(fader.metric("fader_endpoint_healthy{endpoint=\"" + goodKey + "\",upstream=\"stable\"}")).isEqualTo(1);
            assertThat(endpoints(fader).get(badKey)).containsEntry("lastCheckFailure", "status 503 (expected: 2xx or 3xx)");

            sick.set(false);
            awaitHealth(fader, Map.of(goodKey, "healthy", badKey, "healthy"));
            int served = 0;
            for (int i = 0; i < 50; i++) {
                served += get(fader, "/x").body().equals("bad") ? 1 : 0;
            }
            assertThat(served).as("round robin over both again").isBetween(20, 30);
        }
    }

    HttpResponse<String> get(TestInstance fader, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(fader.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> endpoints(TestInstance fader) throws Exception {
        String body = client.send(HttpRequest.newBuilder(fader.admin("/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return (Map<String, Map<String, Object>>) new Yaml().<Map<String, Object>>load(body).get("endpoints");
    }

    /** Polls /status until every endpoint named shows the wanted health (checks run every 100 ms). */
    void awaitHealth(TestInstance fader, Map<String, String> wanted) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Map<String, Map<String, Object>> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = endpoints(fader);
            Map<String, Map<String, Object>> now = seen;
            if (wanted.entrySet().stream().allMatch(e -> now.containsKey(e.getKey())
                    && e.getValue().equals(now.get(e.getKey()).get("health")))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("endpoints never reached " + wanted + "; last /status endpoints: " + seen);
    }
}
