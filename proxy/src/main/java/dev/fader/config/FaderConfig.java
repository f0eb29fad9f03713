package dev.fader.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A whole rollout file, validated. {@code admin}, {@code adminToken} and {@code accessLog} are null
 * when absent; maps keep the order they were written in.
 */
public record FaderConfig(
        Path source,
        Address listen,
        Address admin,
        String adminToken,
        String accessLog,
        List<String> trustedProxies,
        Map<String, UpstreamConfig> upstreams,
        List<RolloutConfig> rollouts,
        ProxyLimits limits,
        FeedbackSettings feedback) {

    public FaderConfig {
        trustedProxies = List.copyOf(trustedProxies);
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreams));
        rollouts = List.copyOf(rollouts);
    }
}
