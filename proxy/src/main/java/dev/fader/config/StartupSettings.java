package dev.fader.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The part of a rollout file that is read once, at start: sockets, files and structures sized then. A
 * reload keeps the running values and says which of these keys it could not apply
 * ({@link #restartNeededFor}); everything else in the file (pools, rollouts, timeouts, limits) applies on reload.
 */
public record StartupSettings(
        Address listen,
        Address admin,
        String accessLog,
        FeedbackSettings feedback,
        int maxIdlePerEndpoint,
        Duration upstreamIdleTimeout,
        ClusterConfig cluster) {

    public static final int DEFAULT_MAX_IDLE_PER_ENDPOINT = 64;
    public static final Duration DEFAULT_UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** The keys whose new value in {@code next} differs from this running one: they wait for a restart. */
    public List<String> restartNeededFor(StartupSettings next) {
        List<String> keys = new ArrayList<>();
        if (!Objects.equals(listen, next.listen)) {
            keys.add("listen");
        }
        if (!Objects.equals(admin, next.admin)) {
            keys.add("admin");
        }
        if (!Objects.equals(accessLog, next.accessLog)) {
            keys.add("access-log");
        }
        if (!Objects.equals(feedback, next.feedback)) {
            keys.add("feedback");
        }
        if (maxIdlePerEndpoint != next.maxIdlePerEndpoint) {
            keys.add("max-idle-per-endpoint");
        }
        if (!Objects.equals(upstreamIdleTimeout, next.upstreamIdleTimeout)) {
            keys.add("upstream-idle-timeout");
        }
        if (!Objects.equals(cluster, next.cluster)) {
            keys.add("cluster");
        }
        return keys;
    }
}
