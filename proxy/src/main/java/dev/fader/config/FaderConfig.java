package dev.fader.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole rollout file, validated: what is read once at start ({@code startup}) and what every reload
 * applies (pools, rollouts, limits). Maps keep the order they were written in.
 */
public record FaderConfig(
        Path source,
        StartupSettings startup,
        AdminAccess access,
        List<String> trustedProxies,
        Map<String, UpstreamConfig> upstreams,
        List<RolloutConfig> rollouts,
        ProxyLimits limits) {

    public FaderConfig {
        trustedProxies = List.copyOf(trustedProxies);
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        rollouts = List.copyOf(rollouts);
    }

    /** This file with other start-time settings: a reload keeps the running ones. */
    public FaderConfig withStartup(StartupSettings running) {
        return new FaderConfig(source, running, access, trustedProxies, upstreams, rollouts, limits);
    }

    public Address listen() {
        return startup.listen();
    }

    /** Null when the file has no admin API. */
    public Address admin() {
        return startup.admin();
    }

    /** Null for stdout. */
    public String accessLog() {
        return startup.accessLog();
    }

    /** Null when this instance runs alone. */
    public ClusterConfig cluster() {
        return startup.cluster();
    }

    public FeedbackSettings feedback() {
        return startup.feedback();
    }
}
