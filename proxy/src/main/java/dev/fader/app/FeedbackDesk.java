package dev.fader.app;

import dev.fader.analysis.Controllers;
import dev.fader.analysis.Engine;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.FeedbackEvents;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.metrics.ProxyMetrics;

/**
 * Where every accepted feedback goes, whoever gave it (a user by key, an app about one answer, a judge):
 * the variant's window, the decision engine (static and progressive judges, which count only the random
 * split's), the metrics, and one line on the feedback event log.
 */
final class FeedbackDesk {
    private final FeedbackWindows windows;
    private final Controllers controllers;
    private final Engine engine;
    private final ProxyMetrics metrics;
    private final FeedbackEvents events;

    FeedbackDesk(FeedbackWindows windows, Controllers controllers, Engine engine, ProxyMetrics metrics,
            FeedbackEvents events) {
        this.windows = windows;
        this.controllers = controllers;
        this.engine = engine;
        this.metrics = metrics;
        this.events = events;
    }

    void accept(Feedback f) {
        windows.feedback(f.rollout(), f.variant(), f.positive(), f.score());
        controllers.feedback(f);
        engine.feedback(f);
        metrics.feedback(f.rollout(), f.variant(), f.positive(), f.source());
        events.add(f);
    }

    void close() {
        events.close();
    }
}
