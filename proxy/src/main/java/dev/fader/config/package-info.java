/** The rollout file: YAML read into immutable records, validated with file:line:column errors. */
package dev.fader.config;
