/**
 * Progressive delivery: per-step gates judged by an anytime-valid test ({@link dev.fader.analysis.MixtureEvidence}),
 * and the controllers that move the weights; start at {@link dev.fader.analysis.Controllers}.
 */
package dev.fader.analysis;
