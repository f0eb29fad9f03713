package dev.fader.routing;

import dev.fader.config.UpstreamConfig;

/**
 * Where one variant's requests go: its own pool, and the pool that serves its users when none of that
 * pool's endpoints can ({@code fallback}, the rollout baseline's pool; null when the variant is the
 * baseline or its pool says {@code fallback: none}). {@code primaryIsBaseline}: the primary pool is the
 * rollout's last resort, so it is tried even when every endpoint is ejected (Envoy's panic mode).
 */
public record Route(UpstreamConfig primary, UpstreamConfig fallback, boolean primaryIsBaseline) {

    static Route of(String variant, String baseline, UpstreamConfig primary, UpstreamConfig baselinePool) {
        boolean isBaseline = variant.equals(baseline) || primary == baselinePool;
        boolean falls = !isBaseline && primary.fallback() == UpstreamConfig.Fallback.BASELINE;
        return new Route(primary, falls ? baselinePool : null, isBaseline);
    }
}
