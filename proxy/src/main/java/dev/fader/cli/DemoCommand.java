package dev.fader.cli;

import dev.fader.demo.Demo;
import dev.fader.demo.ModelDemo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: see {@link Demo}. */
@Command(name = "demo", description = "Run a live demo: two toy upstreams, Fader, and synthetic users.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", description = "proxy port (default 8080; 0 picks a free one)")
    int port = 8080;

    @Option(names = "--canary-percent")
    int canaryPercent = 10;

    @Option(names = "--canary-error-rate", description = "share of canary requests that fail (default 0.05;"
            + " try 0.005 to watch a healthy canary get promoted)")
    double canaryErrorRate = 0.05;

    @Option(names = "--canary-delay-ms")
    long canaryDelayMs = 60;

    @Option(names = "--users")
    int users = 1000;

    @Option(names = "--rate", description = "requests per second of the synthetic users")
    int rate = 200;

    @Option(names = "--seconds", description = "stop after this many seconds (default: run until Ctrl-C)")
    long seconds = 0;

    @Option(names = "--model", description = "the model demo: two streaming toy chat models; the canary never fails"
            + " a request but cuts more answers short and starts later")
    boolean model;

    @Option(names = "--canary-truncate-rate", description = "with --model: share of canary answers cut at the length"
            + " limit (default 0.25; the stable model cuts 0.03)")
    double canaryTruncateRate = 0.25;

    @Option(names = "--canary-first-token-ms", description = "with --model: the canary's time to first token (default 400)")
    long canaryFirstTokenMs = 400;

    @Override
    public Integer call() throws Exception {
        boolean terminal = System.console() != null;
        if (model) {
            new ModelDemo(new ModelDemo.Settings(port, canaryPercent, canaryTruncateRate, canaryFirstTokenMs, users,
                    rate == 200 ? 50 : rate, Duration.ofSeconds(seconds), terminal), System.out).run();
            return 0;
        }
        new Demo(new Demo.Settings(port, canaryPercent, canaryErrorRate, canaryDelayMs, users, rate,
                Duration.ofSeconds(seconds), terminal), System.out).run();
        return 0;
    }
}
