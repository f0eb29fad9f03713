package dev.fader.bench;

import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.Outcome;
import dev.fader.metrics.ProxyMetrics;
import dev.fader.routing.RoutingTable;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The feedback recording path of one finished request, as the proxy runs it on the event loop: the
 * sliding windows (variant and endpoint, plus the sampled distinct-user check) and the Micrometer meters.
 * Outcomes cycle over 1,024 users, 10% on the canary, 1% errors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FeedbackBenchmark {
    private FeedbackWindows windows;
    private ProxyMetrics metrics;
    private Outcome[] outcomes;
    private int next;

    @Setup
    public void setup() throws Exception {
        FaderConfig config = ConfigLoader.parse(Path.of("bench.yaml"), """
                listen: 127.0.0.1:0
                upstreams:
                  stable: { endpoints: [127.0.0.1:9001] }
                  canary: { endpoints: [127.0.0.1:9101] }
                rollouts:
                  - name: web
                    baseline: stable
                    split: { canary: 10% }
                """);
        RoutingTable table = RoutingTable.compile(config, 1);
        windows = new FeedbackWindows(System::nanoTime, config.feedback());
        metrics = new ProxyMetrics(() -> table);
        outcomes = new Outcome[1024];
        for (int i = 0; i < outcomes.length; i++) {
            boolean canary = i % 10 == 0;
            boolean error = i % 100 == 7;
            String variant = canary ? "canary" : "stable";
            outcomes[i] = new Outcome(new Outcome.Request(0, "r" + i, "GET", "h", "/x", "a" + i),
                    new Outcome.Route("web", variant, "everyone", i * 7 % 10_000, i * 0x9E3779B1, 0, variant,
                            canary ? "127.0.0.1:9101" : "127.0.0.1:9001", false, -1),
                    error ? Outcome.Kind.S5XX : Outcome.Kind.S2XX, error ? 503 : 200, 900_000 + i, 1_000_000 + i, 0,
                    100, false, null, null);
        }
    }

    @Benchmark
    public void record() {
        Outcome o = outcomes[next++ & 1023];
        windows.record(o);
        metrics.record(o);
    }
}
