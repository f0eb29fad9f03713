package dev.fader.demo;

import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.config.Percent;
import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelWindow;
import dev.fader.feedback.RolloutReport;
import dev.fader.proxy.Transport;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code fader demo --model}: two toy chat models streaming their answers (the canary starts later and
 * cuts more answers at the length limit, and never returns an error), Fader reading the streams with
 * {@code observe: openai}, synthetic users who chat and thumb down the answers that were cut off, and a
 * live table: the progressive engine rolls the canary back for what it says.
 */
public final class ModelDemo {
    private final Settings settings;
    private final PrintStream out;

    public record Settings(int port, int canaryPercent, double canaryTruncateRate, long canaryFirstTokenMs, int users,
            int ratePerSecond, Duration duration, boolean redraw) {
    }

    public ModelDemo(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public void run() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "demo-models");
        ScheduledExecutorService users = Demo.usersPool();
        try (ToyModel stable = new ToyModel(group, transport.serverChannel(),
                new ToyModel.Behaviour("model-v1", 24, 120, 4, 0.03, 0.01, true));
             ToyModel canary = new ToyModel(group, transport.serverChannel(), new ToyModel.Behaviour("model-v2", 24,
                     settings.canaryFirstTokenMs(), 4, settings.canaryTruncateRate(), 0.01, true))) {
            Path stateDir = Files.createTempDirectory("fader-demo-state");
            String yaml = """
                    listen: 127.0.0.1:%d
                    admin: 127.0.0.1:0
                    access-log: "off"
                    feedback: { window: 1m, log-interval: 1h, min-requests: 20, events: "off" }
                    outlier-consecutive-failures: 0
                    upstreams:
                      model-v1: { endpoints: [127.0.0.1:%d] }
                      model-v2: { endpoints: [127.0.0.1:%d] }
                    rollouts:
                      - name: assistant
                        baseline: model-v1
                        variants: { model-v1: model-v1, model-v2: model-v2 }
                        user-key: [header:X-User-Id]
                        observe: openai
                        layers:
                          - name: everyone
                            split: { model-v2: 0%% }
                        progressive:
                          steps: [%s]
                          step-min-duration: 15s
                          step-min-requests: 100
                          analysis:
                            max-error-ratio: 1.5
                            max-error-increase: 1%%
                            ttft-threshold: 1s
                            bad-finish: [length, content_filter]
                            negative-feedback: true
                            alpha: 0.01
                          state-dir: "%s"
                    """.formatted(settings.port(), stable.port(), canary.port(), Demo.steps(settings.canaryPercent()),
                    stateDir.toString().replace("\\", "/"));
            FaderConfig config = ConfigLoader.parse(Path.of("demo-model.yaml"), yaml);
            try (Instance fader = new Instance(Path.of("demo-model.yaml"), config, 1).start()) {
                int port = fader.proxyAddress().getPort();
                String admin = "http://127.0.0.1:" + fader.adminAddress().getPort();
                out.println("Fader model demo: proxy on http://127.0.0.1:" + port + "/v1/chat/completions , model-v2 at "
                        + settings.canaryPercent() + "% of " + settings.users() + " users; it never fails a request, but"
                        + " cuts " + Math.round(settings.canaryTruncateRate() * 100) + "% of answers short and starts later");
                out.println("Try: curl -sN -H 'X-User-Id: alice' -d '{\"stream\":true}' http://127.0.0.1:" + port
                        + "/v1/chat/completions");
                out.println("     curl -s " + admin + "/status   (each variant's \"ai\" block)");
                startUsers(users, port, admin);
                Demo.showFor(settings.duration(), () -> print(RolloutReport.of(fader.table(), fader.windows(),
                        fader.verdicts()).get(0), fader.controllers().get("assistant")));
            }
        } finally {
            users.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Users chat; one who got an answer cut at the length limit thumbs it down half the time. */
    private void startUsers(ScheduledExecutorService users, int port, String admin) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        SplittableRandom random = new SplittableRandom(42);
        long periodMicros = Math.max(1, 1_000_000L / Math.max(1, settings.ratePerSecond()));
        users.scheduleAtFixedRate(() -> {
            String user;
            boolean complains;
            synchronized (random) {
                user = "user-" + random.nextInt(settings.users());
                complains = random.nextBoolean();
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("X-User-Id", user).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"assistant\",\"stream\":true,\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"Tell me about canaries\"}]}")).build();
            client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
                String id = r.headers().firstValue("X-Fader-Answer-Id").orElse(null);
                if (id != null && complains && r.body().contains("\"finish_reason\":\"length\"")) {
                    client.sendAsync(HttpRequest.newBuilder(URI.create(admin + "/feedback"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"answerId\":\"" + id
                                    + "\",\"label\":\"negative\",\"comment\":\"cut off mid-sentence\"}")).build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            });
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void print(RolloutReport report, RolloutController progressive) {
        StringBuilder b = new StringBuilder();
        if (settings.redraw()) {
            b.append("\033[H\033[2J");
        }
        b.append(String.format("%-9s %8s %9s %10s %7s %7s %6s  %s%n", "variant", "answers", "ttft-p50", "tokens/ans",
                "length", "errors", "thumbs", "verdict (model-v2 vs model-v1, whole rollout)"));
        for (RolloutReport.Variant v : report.variants()) {
            ModelWindow m = v.window().model() == null ? ModelWindow.empty() : v.window().model();
            String verdict = Demo.verdict(v.verdict());
            double cut = m.answers() == 0 ? 0 : 100.0 * m.finished(FinishReason.LENGTH) / m.answers();
            b.append(String.format("%-9s %8d %7.0fms %10.1f %6.1f%% %7d %6s  %s%n", v.name(), m.answers(),
                    m.ttftP50Millis(), m.meanOutputTokens(), cut, v.window().errors(), "-" + v.window().negative(),
                    verdict));
        }
        RolloutState st = progressive.state();
        b.append(String.format("rollout: %s, step %d/%d, model-v2 at %s: %s%n", st.phase().label(), st.step() + 1,
                progressive.progressive().steps().size(), Percent.format(progressive.weight()), st.reason()));
        out.print(b);
        out.flush();
    }
}
