package dev.fader.cli;

import dev.fader.analysis.Plan;
import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.Durations;
import dev.fader.config.FaderConfig;
import dev.fader.config.Percent;
import dev.fader.config.ProgressiveConfig;
import dev.fader.config.RolloutConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code plan}: how the rollout's own progressive engine fares over simulated traffic, run many times. */
@Command(name = "plan", description = "Run the rollout's progressive engine over simulated traffic, many times: how "
        + "often it promotes or aborts, and how fast.")
final class PlanCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE")
    Path config;

    @Option(names = "--rollout", paramLabel = "NAME", description = "default: the first rollout with a progressive block")
    String rollout;

    @Option(names = "--baseline-error", required = true, paramLabel = "P", description = "3.2% or 0.032")
    String baselineError;

    @Option(names = "--canary-error", required = true, paramLabel = "P", description = "3.2% or 0.032")
    String canaryError;

    @Option(names = "--users", paramLabel = "N", description = "distinct simulated users (default 100000)")
    int users = 100_000;

    @Option(names = "--rps", paramLabel = "N", description = "the rollout's total requests per second (default 100)")
    int rps = 100;

    @Option(names = "--runs", paramLabel = "N", description = "simulated rollouts (default 200)")
    int runs = 200;

    @Option(names = "--seed", paramLabel = "S")
    long seed = 1;

    @Option(names = "--json", description = "print the contract's JSON object instead of the table")
    boolean json;

    @Override
    public Integer call() {
        FaderConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        RolloutConfig r = cfg.rollouts().stream()
                .filter(x -> rollout == null ? x.progressive() != null : x.name().equals(rollout)).findFirst().orElse(null);
        if (r == null || r.progressive() == null) {
            System.err.println(rollout == null ? config + ": no rollout has a progressive block (expected: one to plan)"
                    : config + ": rollout '" + rollout + "' " + (r == null ? "not found" : "has no progressive block")
                    + " (expected: a progressive rollout)");
            return 1;
        }
        double pb;
        double pc;
        try {
            pb = rate("--baseline-error", baselineError);
            pc = rate("--canary-error", canaryError);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (users < 1 || rps < 1 || runs < 1) {
            System.err.println("--users, --rps and --runs must be at least 1 (found " + users + ", " + rps + ", " + runs + ")");
            return 2;
        }
        Plan.Result res = Plan.run(cfg, r.name(), new Plan.Settings(pb, pc, users, rps, runs, seed));
        System.out.println(json ? res.json() : table(r, pb, pc, res));
        return 0;
    }

    /** A rate written as a percentage ("3.2%") or a fraction ("0.032"). */
    static double rate(String option, String text) {
        String t = text.trim();
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not a rate (expected: 3.2% or 0.032, between 0 and 1)");
    }

    private String table(RolloutConfig r, double pb, double pc, Plan.Result res) {
        ProgressiveConfig p = r.progressive();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "rollout %s: steps %s; each at least %s and %d requests per variant; alpha %s%n",
                r.name(), steps(p), Durations.format(p.stepMinDuration()), p.stepMinRequests(), p.alpha()));
        b.append(String.format(Locale.ROOT, "%d runs: baseline %.2f%% errors, canary %.2f%%, %d req/s, %d users, seed %d%n",
                res.runs(), 100 * pb, 100 * pc, rps, users, seed));
        b.append(String.format(Locale.ROOT, "%-10s %6s %7s%n", "outcome", "runs", "share"));
        row(b, "promoted", res.promoted(), res.runs());
        row(b, "aborted", res.aborted(), res.runs());
        row(b, "paused", res.paused(), res.runs());
        row(b, "undecided", res.undecided(), res.runs());
        quantiles(b, "canary requests to abort", res.canaryRequestsToAbort());
        quantiles(b, "seconds to promote", res.secondsToPromote());
        return b.toString().stripTrailing();
    }

    private static String steps(ProgressiveConfig p) {
        StringBuilder b = new StringBuilder();
        for (int s : p.steps()) {
            b.append(b.length() == 0 ? "" : ", ").append(s == ProgressiveConfig.MANUAL ? "manual" : Percent.format(s));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, int n, int runs) {
        b.append(String.format(Locale.ROOT, "%-10s %6d %6.1f%%%n", name, n, 100.0 * n / runs));
    }

    private static void quantiles(StringBuilder b, String name, long[] sorted) {
        b.append(String.format(Locale.ROOT, "%-26s", name + ":"));
        if (sorted.length == 0) {
            b.append("none reached it\n");
            return;
        }
        b.append(String.format(Locale.ROOT, "p50 %d, p90 %d, p99 %d (of %d runs)%n", Plan.Result.quantile(sorted, 0.5),
                Plan.Result.quantile(sorted, 0.9), Plan.Result.quantile(sorted, 0.99), sorted.length));
    }
}
