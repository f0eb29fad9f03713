package dev.fader.config;

import java.net.URI;
import java.time.Duration;

/**
 * A rollout's {@code judge:}: a share ({@code sampleBasisPoints} of 10,000) of its finished answers is
 * POSTed to {@code url}, at most {@code maxInFlight} at a time, each given up after {@code timeout};
 * request and answer text are cut at {@code maxBytes} each.
 */
public record JudgeConfig(URI url, int sampleBasisPoints, Duration timeout, int maxInFlight, int maxBytes) {
}
