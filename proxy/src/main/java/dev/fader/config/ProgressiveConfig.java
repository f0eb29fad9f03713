package dev.fader.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code progressive:} block: canary steps in basis points ({@link #MANUAL} marks a step that waits
 * for a manual promote), their minimums, the analysis gates, and webhooks to notify.
 */
public record ProgressiveConfig(
        List<Integer> steps,
        Duration stepMinDuration,
        long stepMinRequests,
        double maxErrorRatio,
        int maxErrorIncreaseBasisPoints,
        Duration slowThreshold,
        double alpha,
        boolean rollbackOnFailure,
        String stateDir,
        boolean feedbackGate,
        List<String> webhooks) {

    public static final int MANUAL = -1;

    public ProgressiveConfig {
        steps = List.copyOf(steps);
        webhooks = List.copyOf(webhooks);
    }
}
