package dev.fader.config;

import java.time.Duration;
import java.util.List;

/** The {@code progressive:} block: canary steps (basis points), their minimums, and the analysis gates. */
public record ProgressiveConfig(
        List<Integer> steps,
        Duration stepMinDuration,
        long stepMinRequests,
        double maxErrorRatio,
        int maxErrorIncreaseBasisPoints,
        Duration slowThreshold,
        double alpha,
        boolean rollbackOnFailure,
        String stateDir) {

    public ProgressiveConfig {
        steps = List.copyOf(steps);
    }
}
