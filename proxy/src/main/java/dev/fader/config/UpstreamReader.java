package dev.fader.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code upstreams:}: each pool's endpoints, its optional active health check and its fallback. */
final class UpstreamReader {
    private static final Set<String> POOL_KEYS = Set.of("endpoints", "health-check", "fallback");
    private static final Set<String> CHECK_KEYS = Set.of("path", "interval", "timeout", "unhealthy-after",
            "healthy-after");

    private UpstreamReader() {
    }

    static Map<String, UpstreamConfig> read(YamlMap top) {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        Problems problems = top.problems();
        if (!top.has("upstreams")) {
            problems.at(top.node(), "top level: missing required key 'upstreams' (expected: a mapping of pool names to endpoints)");
            return out;
        }
        YamlMap pools = top.map("upstreams").orElseThrow();
        for (String name : pools.keys()) {
            String bad = Names.problem("upstream", name);
            if (bad != null) {
                problems.at(pools.keyNode(name).orElseThrow(), "upstreams: " + bad);
            }
            YamlMap pool = pools.map(name).orElse(null);
            if (pool == null) {
                problems.at(pools.keyNode(name).orElseThrow(),
                        "upstreams." + name + ": empty pool (expected: endpoints: [host:port, ...])");
                continue;
            }
            pool.allow(POOL_KEYS);
            List<Address> endpoints = endpoints(pool, name);
            HealthCheck check = pool.map("health-check").map(UpstreamReader::healthCheck).orElse(null);
            UpstreamConfig.Fallback fallback = pool.parsed("fallback", UpstreamReader::fallback)
                    .orElse(UpstreamConfig.Fallback.BASELINE);
            out.put(name, new UpstreamConfig(name, endpoints, check, fallback));
        }
        return out;
    }

    private static List<Address> endpoints(YamlMap pool, String name) {
        List<Address> endpoints = new ArrayList<>();
        Set<Address> seen = new HashSet<>();
        for (Node n : pool.list("endpoints")) {
            pool.parse(n, pool.where() + ".endpoints", Address::parse).ifPresent(a -> {
                if (!seen.add(a)) {
                    pool.problems().at(n, pool.where() + ".endpoints: duplicate endpoint " + a);
                } else if (a.port() == 0) {
                    pool.problems().at(n, pool.where() + ".endpoints: port 0 in " + a + " (expected: a real port)");
                } else {
                    endpoints.add(a);
                }
            });
        }
        if (pool.list("endpoints").isEmpty()) {
            pool.problems().at(pool.keyNode("endpoints").orElse(pool.node()),
                    "upstreams." + name + ": empty pool (expected: at least one endpoint host:port)");
        }
        return endpoints;
    }

    private static HealthCheck healthCheck(YamlMap m) {
        m.allow(CHECK_KEYS);
        HealthCheck d = HealthCheck.defaults();
        String path = m.parsed("path", UpstreamReader::path).orElse(d.path());
        var interval = m.parsed("interval", ConfigLoader::positive).orElse(d.interval());
        var timeout = m.parsed("timeout", ConfigLoader::positive).orElse(d.timeout());
        if (timeout.compareTo(interval) > 0) {
            m.problems().at(m.value("timeout").or(() -> m.value("interval")).orElse(m.node()), m.where()
                    + ": timeout " + Durations.format(timeout) + " is longer than interval " + Durations.format(interval)
                    + " (expected: a timeout of at most the interval)");
        }
        return new HealthCheck(path, interval, timeout,
                m.parsed("unhealthy-after", s -> ConfigLoader.count(s, 1)).orElse(d.unhealthyAfter()),
                m.parsed("healthy-after", s -> ConfigLoader.count(s, 1)).orElse(d.healthyAfter()));
    }

    private static String path(String s) {
        if (!s.startsWith("/") || s.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("'" + s + "' is not a request path (expected: /path with no spaces)");
        }
        return s;
    }

    private static UpstreamConfig.Fallback fallback(String s) {
        return switch (s.trim()) {
            case "baseline" -> UpstreamConfig.Fallback.BASELINE;
            case "none" -> UpstreamConfig.Fallback.NONE;
            default -> throw new IllegalArgumentException("'" + s + "' is not a fallback (expected: baseline or none)");
        };
    }
}
