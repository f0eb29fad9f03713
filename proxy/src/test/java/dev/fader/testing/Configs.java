package dev.fader.testing;

import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.routing.RoutingTable;
import java.nio.file.Path;

/** Config fixtures from YAML text. */
public final class Configs {
    private Configs() {
    }

    public static FaderConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(Path.of("test.yaml"), yaml);
        } catch (ConfigException e) {
            throw new AssertionError("test config refused:\n" + e.getMessage(), e);
        }
    }

    public static RoutingTable table(String yaml) {
        return RoutingTable.compile(parse(yaml), 1);
    }

    /** A one-rollout file with upstreams stable and canary and the given rollout body lines (indented 4). */
    public static String canary(String rolloutBody) {
        return """
                listen: 127.0.0.1:0
                upstreams:
                  stable: { endpoints: [127.0.0.1:9001] }
                  canary: { endpoints: [127.0.0.1:9101] }
                  other: { endpoints: [127.0.0.1:9201] }
                rollouts:
                  - name: web
                    baseline: stable
                    variants: { stable: stable, canary: canary, other: other }
                """ + rolloutBody.stripIndent().lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n");
    }

    /**
     * A proxy file with a {@code stable} pool on {@code stablePort} and a {@code canary} pool written as
     * {@code canaryPool} (a flow mapping), one rollout {@code web} splitting X-User-Id users
     * {@code canaryPercent}% to the canary with {@code explain: true}, and {@code topLevel} lines added on top.
     */
    public static String twoVariants(int stablePort, String canaryPool, int canaryPercent, String topLevel) {
        return "listen: 127.0.0.1:0\n" + topLevel + "upstreams:\n  stable: { endpoints: [127.0.0.1:" + stablePort + "] }\n"
                + "  canary: " + canaryPool + "\n"
                + "rollouts:\n  - name: web\n    baseline: stable\n    variants: { stable: stable, canary: canary }\n"
                + "    user-key: [header:X-User-Id]\n    explain: true\n    split: { canary: " + canaryPercent + "% }\n";
    }
}
