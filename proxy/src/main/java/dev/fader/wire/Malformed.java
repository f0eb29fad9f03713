package dev.fader.wire;

/**
 * What the decoder passes on instead of a message it refuses; it reads nothing more of the connection.
 * {@code detail} says what was found and what was expected.
 */
public record Malformed(Problem problem, String detail) {
}
