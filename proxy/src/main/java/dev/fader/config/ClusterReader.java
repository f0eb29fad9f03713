package dev.fader.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code cluster:}; the instance name defaults to the {@code listen} address's host:port. */
final class ClusterReader {
    private ClusterReader() {
    }

    static ClusterConfig read(YamlMap top, Address listen) {
        YamlMap c = top.map("cluster").orElse(null);
        if (c == null) {
            return null;
        }
        c.allow(Set.of("etcd", "prefix", "instance", "lease", "interval"));
        List<URI> endpoints = new ArrayList<>();
        for (Node n : c.list("etcd")) {
            c.parse(n, c.child("etcd"), ClusterReader::endpoint).ifPresent(endpoints::add);
        }
        if (!c.has("etcd")) {
            c.problems().at(c.node(), "cluster: missing etcd endpoints (expected: etcd: [http://host:2379, ...])");
        }
        String prefix = c.parsed("prefix", ClusterReader::prefix).orElse("/fader");
        String instance = c.parsed("instance", ClusterReader::name)
                .orElse(listen == null ? "fader" : listen.host() + ":" + listen.port());
        Duration lease = c.parsed("lease", ClusterReader::lease).orElse(ClusterConfig.DEFAULT_LEASE);
        Duration interval = c.parsed("interval", ConfigLoader::positive).orElse(ClusterConfig.DEFAULT_INTERVAL);
        if (interval.compareTo(lease) >= 0) {
            c.problems().at(c.value("interval").orElse(c.node()), c.child("interval") + ": " + Durations.format(interval)
                    + " is not shorter than the lease of " + Durations.format(lease)
                    + " (expected: several looks per lease, e.g. interval: 1s)");
        }
        return endpoints.isEmpty() ? null : new ClusterConfig(endpoints, prefix, instance, lease, interval);
    }

    private static URI endpoint(String s) {
        URI u;
        try {
            u = URI.create(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not a URL (expected: http://host:port)");
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("'" + s + "' is not an etcd endpoint (expected: http://host:port or"
                    + " https://host:port)");
        }
        return u;
    }

    private static String prefix(String s) {
        if (!s.startsWith("/") || s.length() < 2 || s.endsWith("/")) {
            throw new IllegalArgumentException("'" + s + "' is not a key prefix (expected: one such as /fader, starting"
                    + " with '/' and not ending with one)");
        }
        return s;
    }

    private static String name(String s) {
        if (s.isBlank() || s.contains("/")) {
            throw new IllegalArgumentException("'" + s + "' is not an instance name (expected: a name without '/')");
        }
        return s;
    }

    private static Duration lease(String s) {
        Duration d = Durations.parse(s);
        if (d.compareTo(Duration.ofSeconds(2)) < 0 || d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("'" + s + "' is not a lease etcd grants (expected: whole seconds, at least 2s)");
        }
        return d;
    }
}
