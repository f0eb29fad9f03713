package dev.fader.config;

import java.time.Duration;

/**
 * An upstream's active health check: {@code GET path} on every endpoint each {@code interval} (jittered),
 * a 2xx or 3xx within {@code timeout} passes. {@code unhealthyAfter} consecutive failures take an endpoint
 * out of its pool; {@code healthyAfter} consecutive passes bring it back.
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int unhealthyAfter, int healthyAfter) {

    public static HealthCheck defaults() {
        return new HealthCheck("/", Duration.ofSeconds(5), Duration.ofSeconds(1), 3, 2);
    }
}
