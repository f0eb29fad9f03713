package dev.fader.wire;

import io.netty.buffer.ByteBuf;

/**
 * The framing of a chunked body besides its data: size lines with their extensions, and the trailer
 * section, which is checked like field lines and then dropped (RFC 9110 section 6.5.1 allows it).
 */
final class Chunks {
    static final long MORE = -1;
    static final long REFUSED = -2;
    private static final int MAX_CHUNK_LINE = 4096;

    private final int maxTrailers;
    private int trailerBytes;
    private String problem;

    Chunks(int maxTrailers) {
        this.maxTrailers = maxTrailers;
    }

    /** What the last {@link #REFUSED} was about. */
    String problem() {
        return problem;
    }

    private long refuse(String what) {
        problem = what;
        return REFUSED;
    }

    /**
     * Reads a chunk's size line (RFC 9112 section 7.1): hex digits, extensions with no control characters,
     * CRLF. Returns the size (0 for the last chunk), {@link #MORE} or {@link #REFUSED}.
     */
    long sizeLine(ByteBuf in) {
        int r = in.readerIndex();
        int lf = in.indexOf(r, Math.min(in.writerIndex(), r + MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            return in.readableBytes() >= MAX_CHUNK_LINE ? refuse("a chunk size line over " + MAX_CHUNK_LINE + " bytes")
                    : MORE;
        }
        if (lf == r || in.getByte(lf - 1) != '\r') {
            return refuse("a chunk size line not ending in CRLF");
        }
        int end = lf - 1;
        long size = 0;
        int p = r;
        for (; p < end; p++) {
            int d = Character.digit(in.getByte(p), 16);
            if (d < 0) {
                break;
            }
            if (p - r >= 15) {
                return refuse("a chunk size over 15 hex digits");
            }
            size = size * 16 + d;
        }
        if (p == r) {
            return refuse("chunk size '" + printable(in, r, end) + "' (expected: hex digits)");
        }
        if (p < end && !extensions(in, p, end)) {
            return refuse("chunk extension '" + printable(in, p, end) + "' (expected: ;name[=value])");
        }
        in.readerIndex(lf + 1);
        trailerBytes = 0;
        return size;
    }

    /** RFC 9112 section 7.1.1: *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ). */
    private static boolean extensions(ByteBuf in, int from, int end) {
        int p = from;
        while (p < end) {
            p = spaces(in, p, end);
            if (p == end || in.getByte(p) != ';') {
                return false;
            }
            p = spaces(in, p + 1, end);
            int name = p;
            p = token(in, p, end);
            if (p == name) {
                return false;
            }
            p = spaces(in, p, end);
            if (p < end && in.getByte(p) == '=') {
                p = spaces(in, p + 1, end);
                int value = p;
                p = p < end && in.getByte(p) == '"' ? quoted(in, p + 1, end) : token(in, p, end);
                if (p < 0 || p == value) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int spaces(ByteBuf in, int p, int end) {
        while (p < end && (in.getByte(p) == ' ' || in.getByte(p) == '\t')) {
            p++;
        }
        return p;
    }

    private static int token(ByteBuf in, int p, int end) {
        while (p < end && Head.tchar(in.getByte(p))) {
            p++;
        }
        return p;
    }

    /** Past the closing quote of a quoted-string whose content starts at {@code p}; -1 when it is not one. */
    private static int quoted(ByteBuf in, int p, int end) {
        while (p < end) {
            int b = in.getByte(p) & 0xff;
            if (b == '"') {
                return p + 1;
            }
            if (b == '\\') {
                p++;
                if (p == end) {
                    return -1;
                }
                b = in.getByte(p) & 0xff;
            }
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return -1;
            }
            p++;
        }
        return -1;
    }

    /** Reads trailer lines through the blank line: 1 when done, 0 for more bytes, or {@link #REFUSED}. */
    int trailers(ByteBuf in) {
        while (true) {
            int r = in.readerIndex();
            int lf = in.indexOf(r, in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                return trailerBytes + in.readableBytes() > maxTrailers
                        ? (int) refuse("trailer fields over " + maxTrailers + " bytes") : 0;
            }
            if (lf == r || in.getByte(lf - 1) != '\r') {
                return (int) refuse("a trailer line not ending in CRLF");
            }
            trailerBytes += lf + 1 - r;
            if (trailerBytes > maxTrailers) {
                return (int) refuse("trailer fields over " + maxTrailers + " bytes");
            }
            if (lf - 1 == r) {
                in.readerIndex(lf + 1);
                return 1;
            }
            if (!trailerLine(in, r, lf - 1)) {
                return (int) refuse("trailer line '" + printable(in, r, lf - 1) + "' (expected: name: value)");
            }
            in.readerIndex(lf + 1);
        }
    }

    private static boolean trailerLine(ByteBuf in, int start, int end) {
        int p = start;
        while (p < end && Head.tchar(in.getByte(p))) {
            p++;
        }
        if (p == start || p == end || in.getByte(p) != ':') {
            return false;
        }
        for (p++; p < end; p++) {
            int b = in.getByte(p) & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String printable(ByteBuf in, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < Math.min(to, from + 40); i++) {
            int b = in.getByte(i) & 0xff;
            s.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return s.toString();
    }

}
