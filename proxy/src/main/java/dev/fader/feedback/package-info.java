/** What happened to each proxied request, kept in sliding windows per rollout and variant, and judged. */
package dev.fader.feedback;
