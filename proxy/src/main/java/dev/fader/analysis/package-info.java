/**
 * Progressive delivery: gates judged over the whole rollout by an anytime-valid comparison ({@link dev.fader.analysis.Comparison}),
 * and the controllers that move the weights (alone, or for a fleet from summed {@link dev.fader.analysis.Tallies});
 * start at {@link dev.fader.analysis.Controllers}.
 */
package dev.fader.analysis;
