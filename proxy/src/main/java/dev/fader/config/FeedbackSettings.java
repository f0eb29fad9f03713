package dev.fader.config;

import java.time.Duration;

/**
 * How feedback is windowed and judged: the window length, how often to log, the minimum sample per
 * variant, the error-rate ratio to the baseline that still counts as healthy, and the test's alpha;
 * where feedback events are written ({@code stdout}, {@code off} or a file), and how many recent model
 * answers are remembered for feedback by answer id, and how many users (hashed keys) for feedback by user: only
 * a user seen within the window may vote.
 */
public record FeedbackSettings(Duration window, Duration logInterval, int minRequests, double tolerance,
        double alpha, String events, int rememberAnswers, int rememberUsers) {
    public static FeedbackSettings defaults() {
        return new FeedbackSettings(Duration.ofMinutes(5), Duration.ofSeconds(10), 200, 1.25, 0.01, "stdout", 100_000, 100_000);
    }
}
