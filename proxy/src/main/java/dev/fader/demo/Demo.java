package dev.fader.demo;

import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.app.Instance;
import dev.fader.config.Percent;
import dev.fader.proxy.Transport;
import dev.fader.feedback.RolloutReport;
import dev.fader.feedback.Verdict;
import dev.fader.feedback.WindowSnapshot;
import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code fader demo}: a stable and a canary toy upstream, Fader splitting users 90/10 in front of them,
 * synthetic users, and a live table per variant.
 */
public final class Demo {
    private final Settings settings;
    private final PrintStream out;

    public record Settings(int port, int canaryPercent, double canaryErrorRate, long canaryDelayMs, int users,
            int ratePerSecond, Duration duration, boolean redraw) {
    }

    public Demo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public void run() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup upstreamGroup = transport.newGroup(1, "demo-upstreams");
        ScheduledExecutorService users = usersPool();
        try (DemoUpstream stable = new DemoUpstream(upstreamGroup, transport.serverChannel(), "stable", 0.005, 20);
             DemoUpstream canary = new DemoUpstream(upstreamGroup, transport.serverChannel(), "canary",
                     settings.canaryErrorRate(), settings.canaryDelayMs())) {
            Path stateDir = Files.createTempDirectory("fader-demo-state");
            String yaml = """
                    listen: 127.0.0.1:%d
                    admin: 127.0.0.1:0
                    access-log: "off"
                    feedback: { window: 1m, log-interval: 1h, min-requests: 20 }
                    # The demo shows the analysis acting on the canary's own answers; outlier ejection would send
                    # its users to stable after five failures in a row and leave the gates nothing to judge.
                    outlier-consecutive-failures: 0
                    upstreams:
                      stable: { endpoints: [127.0.0.1:%d] }
                      canary: { endpoints: [127.0.0.1:%d] }
                    rollouts:
                      - name: demo
                        baseline: stable
                        variants: { stable: stable, canary: canary }
                        user-key: [header:X-User-Id]
                        explain: true
                        layers:
                          - name: testers
                            force: header:X-Fader-Force
                          - name: everyone
                            split: { canary: 0%% }
                        progressive:
                          steps: [%s]
                          step-min-duration: 15s
                          step-min-requests: 100
                          analysis: { max-error-ratio: 1.5, max-error-increase: 1%%, alpha: 0.01 }
                          state-dir: "%s"
                    """.formatted(settings.port(), stable.port(), canary.port(), steps(settings.canaryPercent()),
                    stateDir.toString().replace("\\", "/"));
            FaderConfig config = ConfigLoader.parse(Path.of("demo.yaml"), yaml);
            try (Instance fader = new Instance(Path.of("demo.yaml"), config, 1).start()) {
                int port = fader.proxyAddress().getPort();
                String admin = "http://127.0.0.1:" + fader.adminAddress().getPort();
                out.println("Fader demo: proxy on http://127.0.0.1:" + port + "/ , canary " + settings.canaryPercent()
                        + "% of " + settings.users() + " users; the canary fails " + settings.canaryErrorRate() * 100
                        + "% of requests and answers slower");
                out.println("Try: curl -si -H 'X-User-Id: alice' http://127.0.0.1:" + port + "/ask");
                out.println("     curl -s " + admin + "/status   and   curl -s " + admin + "/metrics");
                out.println("Watch it live: open " + admin + "/ in a browser");
                out.println("The canary starts at " + settings.canaryPercent() + "% and steps up every 15 s while it is"
                        + " healthy; Fader rolls it back on its own if it is worse than stable.");
                startUsers(users, port);
                showFor(settings.duration(), () -> print(RolloutReport.of(fader.table(), fader.windows(),
                        fader.verdicts()).get(0), fader.controllers().get("demo")));
            }
        } finally {
            users.shutdownNow();
            upstreamGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The threads of the synthetic users. */
    static ScheduledExecutorService usersPool() {
        return Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "demo-users");
            t.setDaemon(true);
            return t;
        });
    }

    /** Calls {@code print} every second for {@code duration} (zero: until interrupted). */
    static void showFor(Duration duration, Runnable print) throws InterruptedException {
        long end = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            print.run();
        }
    }

    /** A verdict as the tables show it: the status, with its evidence against the bar when there is some. */
    static String verdict(Verdict v) {
        return v.status() == Verdict.Status.BASELINE ? "baseline" : v.status() + (Double.isNaN(v.evidence()) ? ""
                : String.format(" (evidence %.3g of %.3g)", v.evidence(), v.needed()));
    }

    /** The canary's first share, then the demo's usual steps above it. */
    public static String steps(int first) {
        StringBuilder b = new StringBuilder(first + "%");
        for (int next : new int[] {25, 50, 100}) {
            if (next > first) {
                b.append(", ").append(next).append('%');
            }
        }
        return b.toString();
    }

    private void startUsers(ScheduledExecutorService users, int port) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        SplittableRandom random = new SplittableRandom(42);
        long periodMicros = Math.max(1, 1_000_000L / Math.max(1, settings.ratePerSecond()));
        users.scheduleAtFixedRate(() -> {
            String user;
            synchronized (random) {
                user = "user-" + random.nextInt(settings.users());
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ask"))
                    .header("X-User-Id", user).timeout(Duration.ofSeconds(5)).GET().build();
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding());
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void print(RolloutReport report, RolloutController progressive) {
        StringBuilder b = new StringBuilder();
        if (settings.redraw()) {
            b.append("\033[H\033[2J");
        }
        b.append(String.format("%-8s %9s %8s %7s %7s %9s  %s%n", "variant", "requests", "err-rate", "p50ms", "p99ms",
                "fallbacks", "verdict (canary vs stable, whole rollout)"));
        for (RolloutReport.Variant v : report.variants()) {
            WindowSnapshot w = v.window();
            String verdict = verdict(v.verdict());
            b.append(String.format("%-8s %9d %7.2f%% %7.1f %7.1f %9d  %s%n", v.name(), w.requests(),
                    100 * w.errorRate(), w.p50Millis(), w.p99Millis(), w.fallbacks(), verdict));
        }
        RolloutState st = progressive.state();
        b.append(String.format("rollout: %s, step %d/%d, canary at %s: %s%n", st.phase().label(), st.step() + 1,
                progressive.progressive().steps().size(), Percent.format(progressive.weight()), st.reason()));
        if (report.sampleRatioMismatch()) {
            b.append("SAMPLE RATIO MISMATCH: users per variant do not match the split\n");
        }
        out.print(b);
        out.flush();
    }
}
