package dev.fader.config;

import java.time.Duration;

/** How feedback is windowed and judged: the window length, how often to log, and the minimum sample. */
public record FeedbackSettings(Duration window, Duration logInterval, int minRequests) {
    public static FeedbackSettings defaults() {
        return new FeedbackSettings(Duration.ofMinutes(5), Duration.ofSeconds(10), 200);
    }
}
