package dev.fader.cli;

import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.Percent;
import dev.fader.feedback.Binomial;
import dev.fader.routing.CompiledLayer;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.routing.SyntheticRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate}: routes many user keys through each rollout and compares, per layer and variant,
 * the observed count with the configured share and its 95% binomial interval.
 */
@Command(name = "simulate", description = "Route simulated users and check each split against its binomial interval.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE")
    Path config;

    @Option(names = "--users", paramLabel = "N", description = "random user keys to simulate (default 100000)")
    int users = 100_000;

    @Option(names = "--keys", paramLabel = "FILE", description = "user keys, one per line, instead of random ones")
    Path keysFile;

    @Option(names = "--seed", paramLabel = "S")
    long seed = 1;

    @Override
    public Integer call() throws IOException {
        RoutingTable table;
        try {
            table = RoutingTable.compile(ConfigLoader.load(config), 1);
        } catch (ConfigException e) {
            System.out.println(e.getMessage());
            return 1;
        }
        List<String> keys = keys();
        int outside = 0;
        System.out.printf("%d users%s%n", keys.size(), keysFile == null ? " (random keys, seed " + seed + ")" : " from " + keysFile);
        System.out.printf("%-18s %-14s %-10s %8s %10s %10s %-19s %s%n", "rollout", "layer", "variant", "share",
                "expected", "observed", "95% interval", "");
        for (CompiledRollout rollout : table.rollouts()) {
            Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
            for (String key : keys) {
                RouteDecision d = rollout.decide(SyntheticRequest.forUser(rollout, key));
                counts.computeIfAbsent(d.layer(), k -> new LinkedHashMap<>()).merge(d.variant(), 1L, Long::sum);
            }
            for (CompiledLayer layer : rollout.layers()) {
                Map<String, Long> seen = counts.getOrDefault(layer.name(), Map.of());
                long n = seen.values().stream().mapToLong(Long::longValue).sum();
                if (layer.isForce() || n == 0) {
                    System.out.printf("%-18s %-14s %-10s %8s %10s %10d   (%s: no simulated user reaches it)%n",
                            rollout.name(), layer.name(), "-", "-", "-", n, layer.describeTest());
                    continue;
                }
                for (String variant : rollout.variants().keySet()) {
                    int bp = layer.shareOf(variant);
                    double p = bp / 10_000.0;
                    long observed = seen.getOrDefault(variant, 0L);
                    long[] ci = Binomial.interval(n, p, 0.95);
                    boolean out = observed < ci[0] || observed > ci[1];
                    outside += out ? 1 : 0;
                    System.out.printf("%-18s %-14s %-10s %8s %10.1f %10d [%d, %d]%s%n", rollout.name(), layer.name(),
                            variant, Percent.format(bp), n * p, observed, ci[0], ci[1], out ? "  OUTSIDE" : "");
                }
            }
            long fallback = counts.getOrDefault(CompiledRollout.DEFAULT_LAYER, Map.of()).values().stream()
                    .mapToLong(Long::longValue).sum();
            if (fallback > 0) {
                System.out.printf("%-18s %-14s %-10s %8s %10s %10d   (no layer applied)%n", rollout.name(),
                        CompiledRollout.DEFAULT_LAYER, rollout.baseline(), "100%", "-", fallback);
            }
        }
        System.out.println(outside == 0 ? "every observed count is inside its 95% interval"
                : outside + " count(s) outside their 95% interval (about 1 in 20 is expected by chance alone)");
        return 0;
    }

    private List<String> keys() throws IOException {
        if (keysFile != null) {
            return Files.readAllLines(keysFile, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>(users);
        for (int i = 0; i < users; i++) {
            out.add("sim-" + Long.toHexString(r.nextLong()));
        }
        return out;
    }
}
