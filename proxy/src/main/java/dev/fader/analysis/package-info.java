/** Progressive delivery: per-step gates judged by an anytime-valid test, and the controller that moves the weights. */
package dev.fader.analysis;
