package dev.fader.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.fader.analysis.RolloutState;
import dev.fader.config.ConfigLoader;
import dev.fader.demo.ToyModel;
import dev.fader.proxy.Transport;
import dev.fader.testing.LeakCheckExtension;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Model-aware feedback end to end: streaming toy models behind a real Fader, figures held against what they sent. */
@ExtendWith(LeakCheckExtension.class)
class ModelFeedbackIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    final Transport transport = Transport.best();
    final EventLoopGroup group = transport.newGroup(2, "toy-models");
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    final List<AutoCloseable> open = new ArrayList<>();
    Instance fader;
    int users;

    @AfterEach
    void stop() throws Exception {
        if (fader != null) {
            fader.close();
        }
        for (AutoCloseable c : open) {
            c.close();
        }
        group.shutdownGracefully().syncUninterruptibly();
    }

    ToyModel model(String name, int tokens, long firstMillis, double truncate, double refuse, boolean usage)
            throws InterruptedException {
        ToyModel m = new ToyModel(group, transport.serverChannel(),
                new ToyModel.Behaviour(name, tokens, firstMillis, 1, truncate, refuse, usage));
        open.add(m);
        return m;
    }

    Instance start(ToyModel stable, ToyModel canary, String rolloutExtra) throws Exception {
        Path file = dir.resolve("rollout.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                access-log: "off"
                outlier-consecutive-failures: 0
                feedback: { window: 10m, events: %s }
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: chat
                    baseline: stable
                    observe: openai
                    user-key: [header:X-User-Id]
                %s
                """.formatted(dir.resolve("feedback-events.jsonl"), stable.port(), canary.port(), rolloutExtra));
        fader = new Instance(file, ConfigLoader.load(file), 2, clock::get, false).start();
        return fader;
    }

    HttpResponse<String> chat(String user, boolean stream) {
        return chatAsync(user, stream).join();
    }

    CompletableFuture<HttpResponse<String>> chatAsync(String user, boolean stream) {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fader.proxyAddress().getPort()
                + "/v1/chat/completions")).header("X-User-Id", user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"toy\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"sing\"}]}")).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofString());
    }

    /** {@code n} users, 16 at a time, each one answer; returns the answers. */
    List<HttpResponse<String>> round(int n, boolean stream) {
        List<HttpResponse<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i += 16) {
            List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + 16); j++) {
                batch.add(chatAsync("user-" + users++, stream));
            }
            batch.forEach(f -> out.add(f.join()));
        }
        return out;
    }

    JsonNode status() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(admin("/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).get("rollouts").get(0);
    }

    URI admin(String path) {
        return URI.create("http://127.0.0.1:" + fader.adminAddress().getPort() + path);
    }

    HttpResponse<String> feedback(String json) throws Exception {
        return client.send(HttpRequest.newBuilder(admin("/feedback")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void firstTokenTimesTokensAndFinishesAreCountedExactlyPerVariant() throws Exception {
        ToyModel stable = model("stable", 6, 5, 0.1, 0.05, true);
        ToyModel canary = model("canary", 9, 150, 0.4, 0.1, false);
        start(stable, canary, "    split: { canary: 50% }");
        List<HttpResponse<String>> answers = round(60, true);
        answers.addAll(round(10, false));
        for (HttpResponse<String> a : answers) {
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.headers().firstValue("X-Request-Id")).as("the id the upstream saw").isPresent();
            assertThat(a.headers().firstValue("X-Fader-Answer-Id")).as("the id feedback names this answer by").isPresent();
        }
        assertThat(answers.get(0).body()).as("the stream arrives whole").contains("chat.completion.chunk")
                .endsWith("data: [DONE]\n\n");
        JsonNode variants = status().get("variants");
        for (String name : List.of("stable", "canary")) {
            ToyModel m = name.equals("stable") ? stable : canary;
            JsonNode ai = variants.get(name).get("ai");
            assertThat(ai.get("answers").asLong()).as(name).isEqualTo(m.sent(ToyModel.ANSWERS)).isPositive();
            assertThat(ai.get("outputTokens").asLong()).as(name).isEqualTo(m.sent(ToyModel.TOKENS));
            assertThat(ai.get("finish").get("stop").asLong()).as(name).isEqualTo(m.sent(ToyModel.STOP));
            assertThat(ai.get("finish").get("length").asLong()).as(name).isEqualTo(m.sent(ToyModel.LENGTH));
            assertThat(ai.get("finish").get("content_filter").asLong()).as(name).isEqualTo(m.sent(ToyModel.CONTENT_FILTER));
            assertThat(ai.get("finish").get("none").asLong()).as(name).isZero();
            assertThat(metric("fader_finish_total{reason=\"length\",rollout=\"chat\",variant=\"" + name + "\"}"))
                    .isEqualTo(m.sent(ToyModel.LENGTH));
            assertThat(metric("fader_tokens_total{direction=\"output\",rollout=\"chat\",variant=\"" + name + "\"}"))
                    .isEqualTo(m.sent(ToyModel.TOKENS));
        }
        // The stable model reports usage; the canary's streams do not, so its tokens are counted and marked.
        assertThat(variants.get("stable").get("ai").get("inputTokens").asLong())
                .isEqualTo(12 * stable.sent(ToyModel.ANSWERS));
        assertThat(variants.get("canary").get("ai").get("estimatedAnswers").asLong()).isPositive();
        assertThat(variants.get("stable").get("ai").get("ttftP50Ms").asDouble()).isLessThan(100);
        assertThat(variants.get("canary").get("ai").get("ttftP50Ms").asDouble()).isGreaterThanOrEqualTo(150);
        assertThat(variants.get("canary").get("ai").get("tpotP50Ms").asDouble()).isGreaterThan(0);
    }

    double metric(String nameAndLabels) {
        for (String line : fader.metrics().scrape().split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
            }
        }
        return -1;
    }

    @Test
    void feedbackOnOneAnswerCountsOnTheVariantThatServedItAndIsLogged() throws Exception {
        start(model("stable", 3, 1, 0, 0, true), model("canary", 3, 1, 0, 0, true), "    split: { canary: 50% }");
        HttpResponse<String> a = chat("alice", true);
        String id = a.headers().firstValue("X-Fader-Answer-Id").orElseThrow();
        String servedBy = JSON.readTree(a.body().lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow()
                .substring(6)).get("model").asText();
        HttpResponse<String> r = feedback("{\"requestId\":\"" + id + "\",\"label\":\"negative\",\"score\":0.1,"
                + "\"comment\":\"" + "too short ".repeat(200) + "\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).has("variant")).as("an open port names no variant").isFalse();
        assertThat(status().get("variants").get(servedBy).get("feedback").get("negative").asLong()).isEqualTo(1);
        assertThat(feedback("{\"requestId\":\"no-such-answer\",\"label\":\"positive\"}").statusCode()).isEqualTo(404);
        assertThat(feedback("{\"requestId\":\"" + id + "\",\"label\":\"meh\"}").statusCode()).isEqualTo(400);
        Path events = dir.resolve("feedback-events.jsonl");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((!Files.exists(events) || Files.readString(events).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(20); // written by its own thread
        }
        JsonNode line = JSON.readTree(Files.readAllLines(events).get(0));
        assertThat(line.get("answerId").asText()).isEqualTo(id);
        assertThat(line.get("variant").asText()).isEqualTo(servedBy);
        assertThat(line.get("source").asText()).isEqualTo("answer");
        assertThat(line.get("comment").asText()).hasSizeLessThanOrEqualTo(1001);
        assertThat(Files.readString(events)).doesNotContain("alice");
    }

    WireMockServer judge(int delayMillis, String reply) {
        WireMockServer j = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        j.start();
        open.add(j::stop);
        j.stubFor(post(urlEqualTo("/judge")).willReturn(aResponse().withStatus(200).withFixedDelay(delayMillis)
                .withHeader("Content-Type", "application/json").withBody(reply)));
        return j;
    }

    static void eventually(Runnable check) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(25);
            }
        }
    }

    @Test
    void aJudgeScoresSampledAnswersBlindAndItsScoresCountAsFeedback() throws Exception {
        WireMockServer j = judge(0, "{\"score\": 0.2, \"why\": \"off topic\"}");
        start(model("stable", 3, 1, 0, 0, true), model("canary", 3, 1, 0, 0, true), """
                    split: { canary: 50%% }
                    judge: { url: "http://127.0.0.1:%d/judge", sample: 100%%, timeout: 5s, max-in-flight: 64 }
                """.formatted(j.port()));
        round(20, true);
        eventually(() -> {
            try {
                JsonNode v = status().get("variants");
                assertThat(v.get("stable").get("feedback").get("negative").asLong()
                        + v.get("canary").get("feedback").get("negative").asLong()).isEqualTo(20);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(metric("fader_judge_requests_total{result=\"scored\",rollout=\"chat\"}")).isEqualTo(20);
        assertThat(metric("fader_answer_feedback_total{label=\"negative\",rollout=\"chat\",source=\"judge\",variant=\"canary\"}"))
                .isPositive();
        String sent = j.getAllServeEvents().get(0).getRequest().getBodyAsString();
        JsonNode asked = JSON.readTree(sent);
        assertThat(asked.get("answer").asText()).isEqualTo("The canary sings");
        assertThat(asked.get("request").asText()).contains("\"content\":\"sing\"");
        assertThat(asked.has("variant")).as("the judge is not told which model answered").isFalse();
    }

    @Test
    void aSlowJudgeNeverDelaysClientsAndWhatItCannotTakeIsDroppedAndCounted() throws Exception {
        WireMockServer j = judge(3000, "{\"score\": 1}");
        start(model("stable", 3, 1, 0, 0, true), model("canary", 3, 1, 0, 0, true), """
                    split: { canary: 50%% }
                    judge: { url: "http://127.0.0.1:%d/judge", sample: 100%%, timeout: 300ms, max-in-flight: 2 }
                """.formatted(j.port()));
        long started = System.nanoTime();
        List<HttpResponse<String>> answers = round(16, true);
        assertThat((System.nanoTime() - started) / 1e9).as("16 answers while the judge sleeps 3 s each").isLessThan(2.5);
        answers.forEach(a -> assertThat(a.statusCode()).isEqualTo(200));
        eventually(() -> {
            double dropped = metric("fader_judge_requests_total{result=\"dropped\",rollout=\"chat\"}");
            double timedOut = metric("fader_judge_requests_total{result=\"timeout\",rollout=\"chat\"}");
            assertThat(dropped + timedOut).isEqualTo(16);
            assertThat(timedOut).isBetween(2.0, 14.0);
        });
    }

    static final String PROGRESSIVE = """
                layers:
                  - name: everyone
                    split: { canary: 0%% }
                progressive:
                  steps: [20%%, 50%%, 100%%]
                  step-min-duration: 1m
                  step-min-requests: 60
                  analysis:
                    max-error-ratio: 1.5
                    max-error-increase: 2%%
                    ttft-threshold: 2s
                    bad-finish: [length, content_filter]
                    alpha: 0.01
                  state-dir: %s
            """;

    /** Rounds of traffic, a minute apart, until the rollout leaves progressing or {@code rounds} pass. */
    RolloutState.Phase drive(int rounds) {
        for (int i = 0; i < rounds; i++) {
            round(150, true).forEach(r -> assertThat(r.statusCode()).isEqualTo(200));
            clock.addAndGet(61_000);
            fader.tick();
            RolloutState.Phase p = fader.controllers().get("chat").state().phase();
            if (p != RolloutState.Phase.PROGRESSING) {
                return p;
            }
        }
        return fader.controllers().get("chat").state().phase();
    }

    @Test
    void aCanaryThatOnlyTruncatesMoreIsRolledBackWithoutASingleError() throws Exception {
        start(model("stable", 4, 1, 0.02, 0, true), model("canary", 4, 1, 0.30, 0, true),
                PROGRESSIVE.formatted(dir.resolve("state")));
        assertThat(drive(12)).isEqualTo(RolloutState.Phase.ABORTED);
        JsonNode s = status();
        assertThat(s.get("reason").asText()).contains("bad-finish[length,content_filter]").contains("FAILED");
        assertThat(s.get("variants").get("canary").get("errors").asLong()).isZero();
    }

    @Test
    void aCanaryThatOnlyStartsLaterIsRolledBackOnItsFirstTokens() throws Exception {
        start(model("stable", 4, 1, 0, 0, true), model("canary", 4, 300, 0, 0, true),
                PROGRESSIVE.formatted(dir.resolve("state")).replace("ttft-threshold: 2s", "ttft-threshold: 150ms"));
        assertThat(drive(12)).isEqualTo(RolloutState.Phase.ABORTED);
        assertThat(status().get("reason").asText()).contains("ttft>150ms").contains("FAILED");
        assertThat(status().get("variants").get("canary").get("errors").asLong()).isZero();
    }

    @Test
    void aCanaryTheJudgeDislikesIsRolledBackOnItsScores() throws Exception {
        WireMockServer j = judge(0, "{\"score\": 0.9}");
        j.stubFor(post(urlEqualTo("/judge")).withRequestBody(matchingJsonPath("$.answer", equalTo("The canary")))
                .atPriority(1).willReturn(aResponse().withStatus(200).withBody("{\"score\": 0.1}")));
        start(model("stable", 4, 1, 0, 0, true), model("canary", 2, 1, 0, 0, true), """
                    judge: { url: "http://127.0.0.1:%d/judge", sample: 100%%, timeout: 5s, max-in-flight: 64 }
                """.formatted(j.port()) + PROGRESSIVE.formatted(dir.resolve("state"))
                .replace("bad-finish: [length, content_filter]", "negative-feedback: true"));
        RolloutState.Phase phase = RolloutState.Phase.PROGRESSING;
        for (int i = 0; i < 12 && phase == RolloutState.Phase.PROGRESSING; i++) {
            round(150, true);
            eventually(() -> assertThat(metric("fader_judge_requests_total{result=\"scored\",rollout=\"chat\"}"))
                    .isEqualTo(users)); // every answer scored before the next look
            clock.addAndGet(61_000);
            fader.tick();
            phase = fader.controllers().get("chat").state().phase();
        }
        assertThat(phase).isEqualTo(RolloutState.Phase.ABORTED);
        assertThat(status().get("reason").asText()).contains("negative-feedback").contains("FAILED");
    }

    @Test
    void anIdenticalCanaryIsPromoted() throws Exception {
        start(model("stable", 4, 1, 0.05, 0.02, true), model("canary", 4, 1, 0.05, 0.02, true),
                PROGRESSIVE.formatted(dir.resolve("state")));
        assertThat(drive(12)).isEqualTo(RolloutState.Phase.PROMOTED);
    }
}
