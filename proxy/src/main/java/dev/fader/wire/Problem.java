package dev.fader.wire;

/** Why a message was refused, which decides the status the proxy answers with. */
public enum Problem {
    /** Not HTTP/1.x as RFC 9112 writes it (400, or a 502 for an upstream's answer). */
    MALFORMED,
    /** The request line is longer than max-request-line (414). */
    LINE_TOO_LONG,
    /** The field lines are larger than max-header-size (431). */
    HEAD_TOO_LARGE,
    /** A transfer coding other than chunked (501). */
    NOT_IMPLEMENTED
}
