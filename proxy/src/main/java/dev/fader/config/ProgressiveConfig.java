package dev.fader.config;

import java.time.Duration;
import java.util.List;

/**
 * The {@code progressive:} block: canary steps in basis points ({@link #MANUAL} marks a step that waits
 * for a manual promote), their minimums, the analysis gates, and webhooks to notify; {@code model}: the
 * gates on what a model answered ({@link ModelGates#NONE} without them).
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
        List<String> webhooks,
        ModelGates model) {

    public static final int MANUAL = -1;

    /**
     * {@code ttft-threshold} (null: no gate), {@code bad-finish} reasons (empty: no gate), and
     * {@code max-token-ratio} (0: no gate) with the {@code token-cap} that answers are counted up to; all
     * need {@code observe: openai} on the rollout.
     */
    public record ModelGates(Duration ttftThreshold, List<String> badFinish, double maxTokenRatio, int tokenCap) {
        public static final int DEFAULT_TOKEN_CAP = 4096;
        public static final ModelGates NONE = new ModelGates(null, List.of(), 0, DEFAULT_TOKEN_CAP);

        public ModelGates {
            badFinish = List.copyOf(badFinish);
        }

        public boolean any() {
            return ttftThreshold != null || !badFinish.isEmpty() || maxTokenRatio > 0;
        }
    }

    public ProgressiveConfig {
        steps = List.copyOf(steps);
        webhooks = List.copyOf(webhooks);
    }
}
