package dev.fader.wire;

/** A head that breaks a rule: the decoder turns it into a {@link Malformed} message. No stack trace: it is routine. */
final class HeadException extends Exception {
    final Problem problem;

    HeadException(Problem problem, String detail) {
        super(detail, null, false, false);
        this.problem = problem;
    }
}
