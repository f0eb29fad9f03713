package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.HealthCheck;
import dev.fader.proxy.EndpointHealth.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The health state machine, check result by check result. */
class EndpointHealthTest {
    final HealthCheck check = new HealthCheck("/healthz", Duration.ofSeconds(1), Duration.ofMillis(100), 3, 2);

    @Test
    void startsUnknownAndUsableThenOnePassMakesItHealthy() {
        EndpointHealth h = new EndpointHealth(check);
        assertThat(h.status()).isEqualTo(Status.UNKNOWN);
        assertThat(h.usable()).isTrue();
        assertThat(h.record(true, null)).isEqualTo(Status.HEALTHY);
    }

    @Test
    void failuresBelowTheThresholdKeepItServingAndAPassResetsTheCount() {
        EndpointHealth h = new EndpointHealth(check);
        h.record(true, null);
        h.record(false, "status 503");
        h.record(false, "status 503");
        h.record(true, null);
        h.record(false, "status 503");
        h.record(false, "status 503");
        assertThat(h.status()).isEqualTo(Status.HEALTHY);
        assertThat(h.usable()).isTrue();
        assertThat(h.record(false, "status 503")).isEqualTo(Status.UNHEALTHY);
        assertThat(h.usable()).isFalse();
        assertThat(h.lastFailure()).isEqualTo("status 503");
    }

    @Test
    void anUnknownEndpointThatNeverPassesBecomesUnhealthyAfterTheThreshold() {
        EndpointHealth h = new EndpointHealth(check);
        h.record(false, "cannot connect");
        h.record(false, "cannot connect");
        assertThat(h.status()).isEqualTo(Status.UNKNOWN);
        assertThat(h.record(false, "cannot connect")).isEqualTo(Status.UNHEALTHY);
    }

    @Test
    void comingBackTakesHealthyAfterPassesInARow() {
        EndpointHealth h = new EndpointHealth(check);
        for (int i = 0; i < 3; i++) {
            h.record(false, "x");
        }
        assertThat(h.record(true, null)).isEqualTo(Status.UNHEALTHY);
        assertThat(h.record(false, "x")).isEqualTo(Status.UNHEALTHY);
        assertThat(h.record(true, null)).isEqualTo(Status.UNHEALTHY);
        assertThat(h.record(true, null)).isEqualTo(Status.HEALTHY);
    }
}
