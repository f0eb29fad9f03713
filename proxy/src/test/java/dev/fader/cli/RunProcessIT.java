package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.OkHandler;
import dev.fader.testing.TestUpstream;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fader run} as a real process: SIGTERM drains then exits 0; SIGHUP reloads or refuses a bad file. */
class RunProcessIT {
    @TempDir
    Path dir;

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Process start(Path config, String... extra) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString(),
                "--pid-file", dir.resolve("fader.pid").toString(), "--threads", "1"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("fader.log").toFile()).start();
    }

    static void awaitListening(int port, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("fader exited early").isTrue();
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("fader did not listen on " + port);
    }

    static String yaml(int port, TestUpstream stable, TestUpstream canary, String share) {
        return """
                listen: 127.0.0.1:%d
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: web
                    baseline: stable
                    explain: true
                    split: { canary: %s }
                """.formatted(port, stable.port(), canary.port(), share);
    }

    @Test
    void sigtermDrainsRequestsInFlightThenExitsZero() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(1000)})) {
            int port = freePort();
            Path config = dir.resolve("rollout.yaml");
            Files.writeString(config, yaml(port, up, up, "0%"));
            Process p = start(config);
            awaitListening(port, p);
            assertThat(dir.resolve("fader.pid")).content().isEqualToIgnoringWhitespace(Long.toString(p.pid()));
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (up.requests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // until the request is in flight at the upstream, however loaded the machine
            }
            p.destroy(); // SIGTERM
            assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("fader.log"))).isZero();
            assertThat(dir.resolve("fader.pid")).doesNotExist();
        }
    }

    @Test
    void sighupAppliesAGoodFileAndRefusesABadOne() throws Exception {
        try (TestUpstream stable = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)});
             TestUpstream canary = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)})) {
            int port = freePort();
            Path config = dir.resolve("rollout.yaml");
            Files.writeString(config, yaml(port, stable, canary, "0%"));
            Process p = start(config);
            try {
                awaitListening(port, p);
                assertThat(decision(port)).contains("variant=stable").contains("epoch=1");
                Files.writeString(config, yaml(port, stable, canary, "100%"));
                hangup(p);
                assertThat(awaitDecision(port, "variant=canary")).contains("epoch=2");
                Files.writeString(config, yaml(port, stable, canary, "100%").replace("split:", "splitt:"));
                hangup(p);
                Thread.sleep(1000);
                assertThat(decision(port)).contains("variant=canary").contains("epoch=2");
                assertThat(Files.readString(dir.resolve("fader.log"), StandardCharsets.UTF_8))
                        .contains("rollout.yaml:9:5: rollouts[0]: unknown key 'splitt' (did you mean 'split'?)");
            } finally {
                p.destroy();
                p.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void watchReloadsWhenTheFileChanges() throws Exception {
        try (TestUpstream stable = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)});
             TestUpstream canary = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)})) {
            int port = freePort();
            Path config = dir.resolve("rollout.yaml");
            Files.writeString(config, yaml(port, stable, canary, "0%"));
            Process p = start(config, "--watch");
            try {
                awaitListening(port, p);
                assertThat(decision(port)).contains("variant=stable");
                Thread.sleep(500); // the watcher registers just after the port is bound
                Files.writeString(config, yaml(port, stable, canary, "100%"));
                assertThat(awaitDecision(port, "variant=canary")).contains("epoch=2");
            } finally {
                p.destroy();
                p.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    static void hangup(Process p) throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
    }

    String decision(int port) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("X-User-Id", "alice").build(), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("X-Fader-Decision").orElse("");
    }

    String awaitDecision(int port, String wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String d = "";
        while (System.nanoTime() < deadline) {
            d = decision(port);
            if (d.contains(wanted)) {
                return d;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never saw " + wanted + "; last decision: " + d);
    }
}
