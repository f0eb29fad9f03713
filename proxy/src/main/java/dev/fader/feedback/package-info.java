/**
 * What happened to each proxied request ({@link dev.fader.feedback.Outcome}), kept in sliding windows per
 * rollout and variant ({@link dev.fader.feedback.FeedbackWindows}), judged ({@link dev.fader.feedback.CanaryJudge})
 * and logged ({@link dev.fader.feedback.AccessLog}).
 */
package dev.fader.feedback;
