/**
 * Shadow traffic: copies of chosen users' requests sent to a candidate (and a noise copy to the primary)
 * after the client has its answer, compared field by field, reported beyond noise; start at
 * {@link dev.fader.shadow.Shadows}.
 */
package dev.fader.shadow;
