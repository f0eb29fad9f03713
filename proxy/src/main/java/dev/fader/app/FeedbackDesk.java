package dev.fader.app;

import dev.fader.analysis.Controllers;
import dev.fader.analysis.Engine;
import dev.fader.feedback.AnswerLedger;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.FeedbackEvents;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.metrics.ProxyMetrics;
import java.util.List;

/**
 * Where every accepted feedback goes, whoever gave it (a user by key, an app about one answer, a judge):
 * the variant's window, the decision engine (static and progressive judges, which count only the random
 * split's), the metrics, and one line on the feedback event log. About one answer, only the first label of
 * each source is evidence; a later one replaces it in the shown counts and the log, so that repeating or
 * flipping a vote cannot move a gate.
 */
final class FeedbackDesk {
    /** The sources that label answers, by their index in an answer's ledger entry. */
    private static final List<String> ANSWER_SOURCES = List.of("answer", "judge", "judge-comment");

    private final FeedbackWindows windows;
    private final Controllers controllers;
    private final Engine engine;
    private final ProxyMetrics metrics;
    private final FeedbackEvents events;
    private final AnswerLedger answers;

    FeedbackDesk(FeedbackWindows windows, Controllers controllers, Engine engine, ProxyMetrics metrics,
            FeedbackEvents events, AnswerLedger answers) {
        this.windows = windows;
        this.controllers = controllers;
        this.engine = engine;
        this.metrics = metrics;
        this.events = events;
        this.answers = answers;
    }

    void accept(Feedback f) {
        AnswerLedger.Entry answer = f.answerId() == null ? null : answers.find(f.answerId());
        int source = ANSWER_SOURCES.indexOf(f.source());
        AnswerLedger.Label label = answer == null || source < 0 ? AnswerLedger.Label.FIRST
                : AnswerLedger.label(answer, source, f.positive());
        switch (label) {
            case FIRST -> {
                windows.feedback(f.rollout(), f.variant(), f.positive(), f.score());
                controllers.feedback(f);
                engine.feedback(f);
                metrics.feedback(f.rollout(), f.variant(), f.positive(), f.source());
            }
            case CHANGED -> windows.relabel(f.rollout(), f.variant(), f.positive());
            case SAME -> {
            }
        }
        events.add(f);
    }

    void close() {
        events.close();
    }
}
