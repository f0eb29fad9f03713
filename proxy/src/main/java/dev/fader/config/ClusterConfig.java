package dev.fader.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code cluster:}: several instances share progressive rollout state through etcd. {@code etcd}: the v3
 * endpoints; {@code prefix}: where this fleet's keys live; {@code instance}: this instance's name in the
 * fleet; {@code lease}: how long a silent instance (and its leadership) outlives its last keep-alive;
 * {@code interval}: how often counts are published and the leader looks at the evidence.
 */
public record ClusterConfig(List<URI> etcd, String prefix, String instance, Duration lease, Duration interval) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    public ClusterConfig {
        etcd = List.copyOf(etcd);
    }
}
