package dev.fader.proxy;

import dev.fader.config.HealthCheck;
import java.util.Locale;

/**
 * The active-check state of one endpoint of one pool. Written only by its probe, read by every event
 * loop. An endpoint starts {@code UNKNOWN} (it takes traffic, as nginx and Envoy's unwarmed hosts do, but
 * is never reported healthy without a passed check): its first pass makes it {@code HEALTHY};
 * {@code unhealthyAfter} consecutive failures make it {@code UNHEALTHY}, and only {@code healthyAfter}
 * consecutive passes bring it back.
 */
public final class EndpointHealth {
    /** Unhealthy endpoints take no traffic; unknown and healthy ones do. */
    public enum Status {
        UNKNOWN, HEALTHY, UNHEALTHY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final HealthCheck check;
    private volatile Status status = Status.UNKNOWN;
    private volatile String lastFailure;
    private int passes;
    private int failures;

    EndpointHealth(HealthCheck check) {
        this.check = check;
    }

    HealthCheck check() {
        return check;
    }

    public Status status() {
        return status;
    }

    /** Why the last failed check failed, or null when none has. */
    public String lastFailure() {
        return lastFailure;
    }

    boolean usable() {
        return status != Status.UNHEALTHY;
    }

    /** Counts one check's result; returns the status after it. */
    Status record(boolean passed, String failure) {
        if (passed) {
            failures = 0;
            passes++;
            if (status == Status.UNKNOWN || (status == Status.UNHEALTHY && passes >= check.healthyAfter())) {
                status = Status.HEALTHY;
            }
        } else {
            lastFailure = failure;
            passes = 0;
            failures++;
            if (status != Status.UNHEALTHY && failures >= check.unhealthyAfter()) {
                status = Status.UNHEALTHY;
            }
        }
        return status;
    }
}
