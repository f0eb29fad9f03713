package dev.fader.wire;

/**
 * What a head's fields say about its body and its connection, common to requests and responses: one
 * Content-Length of digits only; Transfer-Encoding with chunked as the final and only coding; the
 * Connection options. Field rules of one kind of message follow in {@link RequestHead} and {@link ResponseHead}.
 */
final class Framing {
    private Framing() {
    }

    /**
     * Framing and connection fields, common to requests and responses: one Content-Length of digits
     * only; Transfer-Encoding of exactly "chunked"; the Connection options. Field-specific rules follow
     * in the subclasses.
     */
    static void read(Head h) throws HeadException {
        int codings = 0;
        int lastTe = -1;
        for (int i = 0; i < h.count; i++) {
            switch (h.ids[i]) {
                case Field.CONTENT_LENGTH -> {
                    if (h.contentLength >= 0) {
                        throw new HeadException(Problem.MALFORMED, "more than one Content-Length");
                    }
                    h.contentLength = digits(h, i);
                }
                case Field.TRANSFER_ENCODING -> codings += codings(h, i);
                case Field.CONNECTION -> connectionOptions(h, i);
                default -> { }
            }
            if (h.ids[i] == Field.TRANSFER_ENCODING) {
                lastTe = i;
            }
        }
        if (lastTe < 0) {
            return;
        }
        int t = lastTokenStart(h, lastTe);
        if (t < 0 || h.tokenEnd(lastTe, t) - t != 7 || !Field.equalsLower(h.bytes, t, "chunked")) {
            // RFC 9112 section 6.3: without chunked last, the body's end cannot be known.
            throw new HeadException(Problem.MALFORMED, "Transfer-Encoding '" + h.value(lastTe)
                    + "' (expected: chunked as the final coding)");
        }
        if (codings != 1) {
            throw new HeadException(Problem.NOT_IMPLEMENTED, "Transfer-Encoding with " + codings
                    + " codings (expected: chunked alone)");
        }
        h.chunked = true;
    }

    private static int codings(Head h, int i) {
        int n = 0;
        for (int t = h.tokenStart(i, h.index[i * 4 + Head.VALUE_START]); t >= 0; t = h.tokenStart(i, h.tokenEnd(i, t))) {
            n++;
        }
        return n;
    }

    private static int lastTokenStart(Head h, int i) {
        int last = -1;
        for (int t = h.tokenStart(i, h.index[i * 4 + Head.VALUE_START]); t >= 0; t = h.tokenStart(i, h.tokenEnd(i, t))) {
            last = t;
        }
        return last;
    }

    private static long digits(Head h, int i) throws HeadException {
        int s = h.index[i * 4 + Head.VALUE_START];
        int e = h.index[i * 4 + Head.VALUE_END];
        if (s == e || e - s > 18) {
            throw new HeadException(Problem.MALFORMED, "Content-Length '" + h.value(i) + "' (expected: 1 to 18 digits)");
        }
        long n = 0;
        for (int p = s; p < e; p++) {
            int d = h.bytes[p] - '0';
            if (d < 0 || d > 9) {
                throw new HeadException(Problem.MALFORMED, "Content-Length '" + h.value(i) + "' (expected: digits)");
            }
            n = n * 10 + d;
        }
        return n;
    }

    private static void connectionOptions(Head h, int i) {
        for (int t = h.tokenStart(i, h.index[i * 4 + Head.VALUE_START]); t >= 0; t = h.tokenStart(i, h.tokenEnd(i, t))) {
            int e = h.tokenEnd(i, t);
            int n = e - t;
            if (n == 5 && Field.equalsLower(h.bytes, t, "close")) {
                h.close = true;
            } else if (n == 10 && Field.equalsLower(h.bytes, t, "keep-alive")) {
                h.keepAlive = true;
            } else if (n == 7 && Field.equalsLower(h.bytes, t, "upgrade")) {
                h.upgradeOption = true;
            }
        }
    }

}
