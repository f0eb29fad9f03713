/**
 * What happened to each proxied request ({@link dev.fader.feedback.Outcome}), kept in sliding windows per
 * rollout and variant ({@link dev.fader.feedback.FeedbackWindows}), reported with verdicts ({@link dev.fader.feedback.RolloutReport})
 * and logged ({@link dev.fader.feedback.AccessLog}).
 */
package dev.fader.feedback;
