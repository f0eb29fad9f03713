package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.admin.AdminApi;
import dev.fader.feedback.Binomial;
import dev.fader.testing.OkHandler;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestInstance;
import dev.fader.testing.TestUpstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload under load: atomic, refuses bad files, drops nothing, moves endpoints, keeps connections. */
class ReloadIT {
    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String yaml(String stableEndpoints, int canaryPort, String share) {
        return """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                access-log: "off"
                upstreams:
                  stable: { endpoints: [%s] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: web
                    baseline: stable
                    user-key: [header:X-User-Id]
                    explain: true
                    split: { canary: %s }
                """.formatted(stableEndpoints, canaryPort, share);
    }

    static ChannelHandler[] ok() {
        return new ChannelHandler[] {new OkHandler(0)};
    }

    String decision(TestInstance f, String user) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(f.uri("/")).header("X-User-Id", user).build(),
                BodyHandlers.discarding()).headers().firstValue("X-Fader-Decision").orElse("");
    }

    @Test
    void hundredReloadsUnderSteadyLoadFailNoRequest() throws Exception {
        try (TestUpstream stable = TestUpstream.start(ReloadIT::ok); TestUpstream canary = TestUpstream.start(ReloadIT::ok);
             TestInstance f = TestInstance.start(dir, yaml("127.0.0.1:" + stable.port(), canary.port(), "10%"))) {
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reloader = new Thread(() -> {
                try {
                    for (int i = 1; i <= 100; i++) {
                        Files.writeString(f.file(), yaml("127.0.0.1:" + stable.port(), canary.port(), i % 2 == 0 ? "30%" : "10%"));
                        AdminApi.ReloadStatus s = f.instance().reload();
                        if (!s.ok()) {
                            failures.add("reload " + i + ": " + s.errors());
                        }
                        Thread.sleep(40);
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            });
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<?>> all = new ArrayList<>();
            long t0 = System.nanoTime();
            reloader.start();
            for (int i = 0; i < 20_000; i++) {
                inFlight.acquire();
                java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(f.uri("/item/" + i))
                        .header("X-User-Id", "user-" + (i % 5000));
                b = i % 2 == 0 ? b.GET() : b.POST(java.net.http.HttpRequest.BodyPublishers.ofString("body-" + i));
                all.add(client.sendAsync(b.build(), BodyHandlers.ofString()).whenComplete((r, e) -> {
                    inFlight.release();
                    done.incrementAndGet();
                    if (e != null || r.statusCode() != 200 || !r.body().equals("ok")) {
                        failed.incrementAndGet();
                        failures.add(e != null ? e.toString() : r.statusCode() + " " + r.body());
                    }
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            reloader.join();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertThat(failures).as("failures").isEmpty();
            assertThat(failed.get()).isZero();
            assertThat(done.get()).isEqualTo(20_000);
            // About 22 s here under the paranoid leak detector; the bound only guards against a stall.
            assertThat(seconds).as("20,000 requests took %d s", seconds).isLessThanOrEqualTo(90);
            assertThat(f.instance().table().epoch()).isEqualTo(101);
            // The last reload set 30%: fresh users split accordingly.
            int canaryUsers = 0;
            for (int u = 0; u < 2000; u++) {
                canaryUsers += decision(f, "fresh-" + u).contains("variant=canary") ? 1 : 0;
            }
            long[] ci = Binomial.interval(2000, 0.30, 0.999);
            assertThat((long) canaryUsers).isBetween(ci[0], ci[1]);
        }
    }

    @Test
    void fiveKindsOfBrokenFileKeepTheOldRoutingAndAnswer422() throws Exception {
        try (TestUpstream stable = TestUpstream.start(ReloadIT::ok); TestUpstream canary = TestUpstream.start(ReloadIT::ok);
             TestInstance f = TestInstance.start(dir, yaml("127.0.0.1:" + stable.port(), canary.port(), "100%"))) {
            String good = yaml("127.0.0.1:" + stable.port(), canary.port(), "100%");
            String[][] broken = {
                {good.replace("split: { canary: 100% }", "split: { canary: 100% "), "rollout.yaml:13:1: YAML syntax"},
                {good.replace("explain: true", "explian: true"), "rollout.yaml:11:5: rollouts[0]: unknown key 'explian' (did you mean 'explain'?)"},
                {good.replace("baseline: stable", "baseline: stable\n    variants: { stable: stable, canary: canari }"),
                    "rollout.yaml:10:41: rollout 'web'.variants.canary: unknown upstream 'canari'"},
                {good.replace("canary: 100%", "canary: 120%"), "rollout.yaml:12:22: rollout 'web'.split.canary: '120%' is outside 0%..100%"},
                {good.replace("127.0.0.1:" + canary.port(), "127.0.0.1:70000"), "rollout.yaml:6:25: upstreams.canary.endpoints: port 70000"},
            };
            for (String[] b : broken) {
                Files.writeString(f.file(), b[0]);
                java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(f.admin("/reload"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(422);
                assertThat(r.body()).contains(f.file().getParent().toString()).contains(b[1]);
                assertThat(decision(f, "someone")).contains("variant=canary").contains("epoch=1");
            }
            assertThat(f.instance().lastReload().ok()).isFalse();
        }
    }

    @Test
    void aLongStreamAndAnIdleKeepAliveConnectionSurviveReloads() throws Exception {
        try (TestUpstream stable = TestUpstream.start(() -> new ChannelHandler[] {new Ticking(10, 100)});
             TestUpstream canary = TestUpstream.start(ReloadIT::ok);
             TestInstance f = TestInstance.start(dir, yaml("127.0.0.1:" + stable.port(), canary.port(), "0%"));
             RawHttp idle = RawHttp.connect(f.uri("/").getPort())) {
            assertThat(idle.send("GET /first HTTP/1.1\r\nHost: x\r\nX-User-Id: idle\r\n\r\n").read().status()).isEqualTo(200);
            java.net.http.HttpResponse<Stream<String>> stream = client.send(java.net.http.HttpRequest.newBuilder(f.uri("/events"))
                    .header("X-User-Id", "streamer").build(), BodyHandlers.ofLines());
            for (String share : new String[] {"50%", "0%", "25%"}) {
                Files.writeString(f.file(), yaml("127.0.0.1:" + stable.port(), canary.port(), share));
                assertThat(f.instance().reload().ok()).isTrue();
            }
            List<String> events = stream.body().filter(l -> l.startsWith("data:")).toList();
            assertThat(events).hasSize(10).first().isEqualTo("data: 0");
            RawHttp.Response again = idle.send("GET /second HTTP/1.1\r\nHost: x\r\nX-User-Id: idle\r\n\r\n").read();
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.header("x-fader-decision")).contains("epoch=4");
        }
    }

    @Test
    void aRemovedEndpointGetsNoNewRequestsAndAnAddedOneDoes() throws Exception {
        try (TestUpstream a = TestUpstream.start(ReloadIT::ok); TestUpstream b = TestUpstream.start(ReloadIT::ok);
             TestUpstream canary = TestUpstream.start(ReloadIT::ok);
             TestInstance f = TestInstance.start(dir, yaml("127.0.0.1:" + a.port(), canary.port(), "0%"))) {
            for (int i = 0; i < 20; i++) {
                decision(f, "u" + i);
            }
            assertThat(a.requests()).isEqualTo(20);
            Files.writeString(f.file(), yaml("127.0.0.1:" + b.port(), canary.port(), "0%"));
            assertThat(f.instance().reload().ok()).isTrue();
            for (int i = 0; i < 20; i++) {
                decision(f, "u" + i);
            }
            assertThat(a.requests()).isEqualTo(20);
            assertThat(b.requests()).isEqualTo(20);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (a.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(a.openConnections()).as("idle connections to the removed endpoint are closed").isZero();
        }
    }

    /** Streams {@code count} SSE events, one every {@code periodMillis}. */
    static final class Ticking extends SimpleChannelInboundHandler<HttpRequest> {
        private final int count;
        private final long periodMillis;

        Ticking(int count, long periodMillis) {
            this.count = count;
            this.periodMillis = periodMillis;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            if (!req.uri().startsWith("/events")) {
                HttpUtil.setContentLength(head, 0);
                ctx.write(head);
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            for (int i = 0; i < count; i++) {
                int n = i;
                ctx.executor().schedule(() -> {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: " + n + "\n\n", StandardCharsets.UTF_8)));
                    if (n == count - 1) {
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    }
                }, periodMillis * (i + 1), TimeUnit.MILLISECONDS);
            }
        }
    }
}
