package dev.fader.config;

import java.util.List;
import java.util.Locale;

/**
 * A named pool of endpoints that serve one variant. {@code healthCheck} is null when the pool is not
 * actively checked; {@code fallback} says what a variant on this pool does when none of its endpoints can serve.
 */
public record UpstreamConfig(String name, List<Address> endpoints, HealthCheck healthCheck, Fallback fallback) {
    public UpstreamConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** A pool with no health check that falls back to the baseline: the defaults. */
    public UpstreamConfig(String name, List<Address> endpoints) {
        this(name, endpoints, null, Fallback.BASELINE);
    }

    /** When no endpoint of a variant's pool can serve: the rollout's baseline serves its users, or a 503. */
    public enum Fallback {
        BASELINE, NONE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
