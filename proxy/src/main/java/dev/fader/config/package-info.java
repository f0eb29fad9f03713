/**
 * The rollout file: YAML read into immutable records ({@link dev.fader.config.FaderConfig}), validated with
 * file:line:column errors; start at {@link dev.fader.config.ConfigLoader}.
 */
package dev.fader.config;
