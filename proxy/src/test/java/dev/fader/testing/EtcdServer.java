package dev.fader.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd (Debian's {@code etcd-server}, which {@code .ci/run} installs) on free loopback ports with
 * its own data folder: started by the test, stopped by PID, and restartable on the same ports and data,
 * as an operator's etcd comes back after an outage.
 */
public final class EtcdServer implements AutoCloseable {
    private final Path dataDir;
    private final Path log;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdServer(Path dir) throws IOException {
        this.dataDir = dir.resolve("etcd-data");
        this.log = dir.resolve("etcd.log");
        this.clientPort = freePort();
        this.peerPort = freePort();
    }

    public static EtcdServer start(Path dir) throws Exception {
        EtcdServer s = new EtcdServer(dir);
        s.start();
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public String url() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** Starts (or starts again) etcd and waits until it answers its health check. */
    public void start() throws Exception {
        String binary = binary();
        String peer = "http://127.0.0.1:" + peerPort;
        process = new ProcessBuilder(List.of(binary, "--name", "fader-test", "--data-dir", dataDir.toString(),
                "--listen-client-urls", url(), "--advertise-client-urls", url(), "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer, "--initial-cluster", "fader-test=" + peer,
                "--auto-compaction-retention", "1", "--log-level", "warn"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + " (expected: running); its log: "
                        + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("true")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd did not become healthy within 20 s at " + url() + "; its log: "
                + Files.readString(log));
    }

    private static String binary() {
        for (String p : List.of("/usr/bin/etcd", "/usr/local/bin/etcd")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("no etcd binary in /usr/bin or /usr/local/bin (expected: Debian's etcd-server"
                + " package, which .ci/run installs: apt-get install -y etcd-server)");
    }

    /** Stops etcd by its PID and waits for it to exit. */
    public void stop() throws Exception {
        if (process == null || !process.isAlive()) {
            return;
        }
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Kills etcd at once (SIGKILL), as a crash or a lost machine would; its data on disk survives. */
    public void kill() throws Exception {
        if (process != null && process.isAlive()) {
            new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
