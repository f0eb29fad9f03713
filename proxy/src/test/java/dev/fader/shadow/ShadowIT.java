package dev.fader.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.SyntheticRequest;
import dev.fader.testing.LeakCheckExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Shadow traffic end to end: a real Fader, a primary pool, a candidate, comparisons read from the admin API. */
@ExtendWith(LeakCheckExtension.class)
class ShadowIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<HttpServer> servers = new ArrayList<>();
    Instance fader;

    /** What a model server received: user, method, body and the shadow header, one entry per request. */
    record Seen(String user, String method, String body, String shadow) {
    }

    @AfterEach
    void stop() {
        if (fader != null) {
            fader.close();
        }
        servers.forEach(s -> s.stop(0));
    }

    /** A chat answer with a fresh id and timestamp each time; {@code otherContent} of them say "hola". */
    HttpServer model(double otherContent, long delayMillis, List<Seen> seen) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setExecutor(Executors.newFixedThreadPool(16));
        SplittableRandom random = new SplittableRandom(11);
        AtomicLong ids = new AtomicLong();
        s.createContext("/", (HttpExchange x) -> {
            byte[] in = x.getRequestBody().readAllBytes();
            seen.add(new Seen(x.getRequestHeaders().getFirst("X-User-Id"), x.getRequestMethod(),
                    new String(in, StandardCharsets.UTF_8), x.getRequestHeaders().getFirst("X-Fader-Shadow")));
            boolean other;
            synchronized (random) {
                other = random.nextDouble() < otherContent;
            }
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = ("{\"id\":\"chatcmpl-" + ids.incrementAndGet() + "-" + System.nanoTime() + "\",\"created\":"
                    + System.nanoTime() + ",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"" + (other ? "hola" : "hello") + "\"},\"finish_reason\":\"stop\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        s.start();
        servers.add(s);
        return s;
    }

    void start(HttpServer primary, HttpServer candidate, String shadow) throws Exception {
        Path file = dir.resolve("rollout.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                access-log: "off"
                feedback: { events: "off" }
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  candidate: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: chat
                    baseline: stable
                    variants: { stable: stable }
                    user-key: [header:X-User-Id]
                    shadow: %s
                """.formatted(primary.getAddress().getPort(), candidate.getAddress().getPort(), shadow));
        fader = new Instance(file, ConfigLoader.load(file), 2).start();
    }

    CompletableFuture<HttpResponse<String>> send(String method, String user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fader.proxyAddress().getPort()
                + "/v1/chat/completions")).header("X-User-Id", user);
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString(body)) : b.GET();
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    List<HttpResponse<String>> traffic(int users, String method) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            all.add(send(method, "user-" + i, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}"));
            if (all.size() % 16 == 0) {
                all.get(all.size() - 1).join();
            }
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    JsonNode report() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + fader.adminAddress().getPort() + "/shadow/chat")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    JsonNode eventually(long compared) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        JsonNode r = report();
        while (r.get("compared").asLong() + r.get("dropped").asLong() + r.get("skipped").asLong()
                + r.get("errors").asLong() < compared && System.nanoTime() < deadline) {
            Thread.sleep(50);
            r = report();
        }
        return r;
    }

    static JsonNode field(JsonNode report, String name) {
        for (JsonNode f : report.get("fields")) {
            if (f.get("field").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }

    @Test
    void aFieldThatDiffersBeyondNoiseIsReportedAndIdsAndTimestampsAreNot() throws Exception {
        List<Seen> primarySeen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Seen> candidateSeen = java.util.Collections.synchronizedList(new ArrayList<>());
        start(model(0, 0, primarySeen), model(0.3, 0, candidateSeen),
                "{ upstream: candidate, noise: stable, share: 100%, methods: [POST], paths: [/v1/], max-in-flight: 1000 }");
        traffic(300, "POST").forEach(r -> assertThat(r.body()).contains("\"hello\""));
        JsonNode report = eventually(300);
        assertThat(report.get("compared").asLong()).isEqualTo(300);
        assertThat(report.get("comparedWithNoise").asLong()).isEqualTo(300);
        JsonNode content = field(report, "/choices/0/message/content");
        assertThat(content.get("reported").asBoolean()).isTrue();
        assertThat(content.get("rate").asDouble()).isBetween(0.2, 0.4);
        assertThat(content.get("noise").asLong()).isZero();
        for (String noisy : List.of("/id", "/created")) {
            assertThat(field(report, noisy).get("reported").asBoolean()).as(noisy).isFalse();
            assertThat(field(report, noisy).get("noiseRate").asDouble()).as(noisy).isEqualTo(1.0);
        }
        assertThat(report.get("fields").findValuesAsText("field")).doesNotContain("status", "content-type");
        JsonNode example = report.get("examples").findParents("field").stream()
                .filter(e -> e.get("field").asText().equals("/choices/0/message/content")).findFirst().orElseThrow();
        assertThat(example.get("primary").asText()).isEqualTo("\"hello\"");
        assertThat(example.get("candidate").asText()).isEqualTo("\"hola\"");
        // Copies carry the client's body intact, and say they are copies.
        Map<String, Seen> byUser = new ConcurrentHashMap<>();
        candidateSeen.forEach(s -> byUser.put(s.user(), s));
        assertThat(byUser.get("user-7").body()).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"hi 7\"}]}");
        assertThat(byUser.get("user-7").shadow()).isEqualTo("1");
        assertThat(primarySeen).hasSize(600); // the client's request and the noise copy
        String status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + fader.adminAddress().getPort() + "/status")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(JSON.readTree(status).get("rollouts").get(0).get("shadow").asText())
                .contains("300 compared").contains("/choices/0/message/content");
    }

    @Test
    void onlyListedMethodsAreCopiedAndOnlyTheUsersOfTheShare() throws Exception {
        List<Seen> candidateSeen = java.util.Collections.synchronizedList(new ArrayList<>());
        start(model(0, 0, new ArrayList<>()), model(0, 0, candidateSeen), "{ upstream: candidate, share: 30% }");
        traffic(100, "POST");
        traffic(400, "GET");
        JsonNode report = eventually(1);
        long deadline = System.nanoTime() + 10_000_000_000L;
        CompiledRollout rollout = fader.table().rollout("chat");
        Set<String> expected = new java.util.TreeSet<>();
        for (int i = 0; i < 400; i++) {
            if (rollout.decide(SyntheticRequest.forUser(rollout, "user-" + i)).bucket() >= 7000) {
                expected.add("user-" + i);
            }
        }
        while (candidateSeen.size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(candidateSeen).allSatisfy(s -> assertThat(s.method()).isEqualTo("GET"));
        assertThat(new java.util.TreeSet<>(candidateSeen.stream().map(Seen::user).toList())).isEqualTo(expected);
        assertThat(expected.size()).isBetween(90, 150);
        assertThat(report.get("noise").isNull()).isTrue();
    }

    @Test
    void answersBeyondMaxBodyAreSkippedNotSent() throws Exception {
        List<Seen> candidateSeen = java.util.Collections.synchronizedList(new ArrayList<>());
        start(model(0, 0, new ArrayList<>()), model(0, 0, candidateSeen), "{ upstream: candidate, max-body: 100 }");
        traffic(5, "GET").forEach(a -> assertThat(a.statusCode()).isEqualTo(200)); // each answer ~150 bytes
        JsonNode r = eventually(5);
        assertThat(r.get("skipped").asLong()).isEqualTo(5);
        assertThat(r.get("compared").asLong()).isZero();
        assertThat(candidateSeen).isEmpty();
    }

    @Test
    void copiesThatFailAreErrorsAndTimeOut() throws Exception {
        HttpServer down = model(0, 0, new ArrayList<>());
        down.stop(0);
        HttpServer slow = model(0, 2000, new ArrayList<>());
        start(model(0, 0, new ArrayList<>()), down, "{ upstream: candidate }");
        traffic(4, "GET").forEach(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(eventually(4).get("errors").asLong()).isEqualTo(4);
        fader.close();
        start(model(0, 0, new ArrayList<>()), slow, "{ upstream: candidate, timeout: 200ms }");
        long started = System.nanoTime();
        traffic(4, "GET").forEach(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(1.5);
        assertThat(eventually(4).get("errors").asLong()).as("timed out").isEqualTo(4);
    }

    @Test
    void aSlowCandidateNeverHoldsClientsAndWhatItCannotTakeIsDropped() throws Exception {
        start(model(0, 0, new ArrayList<>()), model(0, 3000, new ArrayList<>()),
                "{ upstream: candidate, max-in-flight: 4, timeout: 10s }");
        long started = System.nanoTime();
        List<HttpResponse<String>> answers = traffic(48, "GET");
        assertThat((System.nanoTime() - started) / 1e9).as("48 answers while each copy takes 3 s").isLessThan(2.5);
        answers.forEach(r -> assertThat(r.statusCode()).isEqualTo(200));
        JsonNode report = report();
        assertThat(report.get("dropped").asLong()).isGreaterThanOrEqualTo(40);
        assertThat(fader.metrics().scrape()).contains("fader_shadow_requests_total{result=\"dropped\",rollout=\"chat\"}");
    }
}
