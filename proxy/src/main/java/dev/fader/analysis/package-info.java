/**
 * Progressive delivery: gates judged over the whole rollout by an anytime-valid comparison ({@link dev.fader.analysis.Comparison}),
 * and the controllers that move the weights; start at {@link dev.fader.analysis.Controllers}.
 */
package dev.fader.analysis;
