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
}
