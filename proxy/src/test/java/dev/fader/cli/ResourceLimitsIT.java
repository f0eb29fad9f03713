package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.OkHandler;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestUpstream;
import io.netty.channel.ChannelHandler;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fader run} as a real process against the limits of its machine: a flood of connections under a low
 * open-file limit ({@code prlimit}, from util-linux) leaves the admin port answering, because the default
 * {@code max-connections} stops short of the limit; a log that cannot be opened is one line and exit code 1.
 */
class ResourceLimitsIT {
    @TempDir
    Path dir;

    Process start(Path config, long nofile) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=" + nofile + ":" + nofile, javaBin, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString(),
                "--threads", "1"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("fader.log").toFile()).start();
    }

    @Test
    void twoThousandConnectionsUnderAThousandFilesLeaveTheAdminPortAnswering() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)})) {
            int port = RunProcessIT.freePort();
            int admin = RunProcessIT.freePort();
            Path config = dir.resolve("rollout.yaml");
            Files.writeString(config, """
                    listen: 127.0.0.1:%d
                    admin: 127.0.0.1:%d
                    access-log: "off"
                    upstreams:
                      stable: { endpoints: [127.0.0.1:%d] }
                    """.formatted(port, admin, up.port()));
            Process p = start(config, 1024);
            List<Socket> flood = new ArrayList<>();
            try {
                RunProcessIT.awaitListening(admin, p);
                for (int i = 0; i < 2000; i++) {
                    flood.add(new Socket("127.0.0.1", port)); // held open, never a request
                }
                Thread.sleep(500); // the proxy accepts what its backlog holds
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    try (RawHttp c = RawHttp.connect(admin)) {
                        c.timeout(1000);
                        RawHttp.Response r = c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read();
                        assertThat(r.status()).isEqualTo(200);
                    }
                    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
                    try (RawHttp c = RawHttp.connect(admin)) {
                        c.timeout(1000);
                        String metrics = c.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read().text();
                        assertThat(metrics).contains("fader_client_connections");
                    }
                }
                // A client beyond the cap is told so at once, rather than left waiting in the backlog.
                try (RawHttp c = RawHttp.connect(port)) {
                    c.timeout(2000);
                    assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(503);
                }
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            assertThat(Files.readString(dir.resolve("fader.log"))).doesNotContain("Too many open files");
        }
    }

    @Test
    void aLogThatCannotBeOpenedIsOneLineAndExitCodeOne() throws Exception {
        Path config = dir.resolve("rollout.yaml");
        Files.writeString(config, """
                listen: 127.0.0.1:0
                access-log: %s
                upstreams:
                  stable: { endpoints: [127.0.0.1:9] }
                """.formatted(dir.resolve("no-such-folder/access.log")));
        Process p = start(config, 4096);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        List<String> out = Files.readAllLines(dir.resolve("fader.log")).stream()
                .filter(l -> !l.isBlank() && !l.contains(" INFO ")).toList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).startsWith("fader: cannot open access-log ").contains("no-such-folder/access.log")
                .contains("(expected: a writable file, stdout or off)");
    }
}
