package dev.fader.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.AsciiString;

/**
 * Writes a head onward as bytes: a start line, the fields of the head as received (the kept ones, copied
 * in runs), fields the proxy adds, and the blank line. What nginx and HAProxy do, and what spares a proxy
 * decoding every field into objects and encoding them again.
 */
public final class HeadWriter {
    private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] STATUS11 = "HTTP/1.1 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HeadWriter() {
    }

    /** "METHOD target HTTP/1.1": the target as sent, or {@code target} when not null (rewritten). */
    public static void requestLine(ByteBuf out, RequestHead h, String target) {
        out.writeBytes(h.bytes, 0, h.methodEnd() + 1);
        if (target == null) {
            out.writeBytes(h.bytes, h.targetStart(), h.targetEnd() - h.targetStart());
        } else {
            ByteBufUtil.writeAscii(out, target);
        }
        out.writeBytes(HTTP11);
    }

    /** "HTTP/1.1" and the status and reason as received. */
    public static void statusLine(ByteBuf out, ResponseHead h) {
        out.writeBytes(STATUS11);
        out.writeBytes(h.bytes, h.statusStart(), h.reasonEnd() - h.statusStart());
        if (h.reasonEnd() == h.statusStart() + 3) {
            out.writeByte(' ');
        }
        out.writeByte('\r').writeByte('\n');
    }

    /** The head's field lines that are not {@link Head#dropped}, byte for byte. */
    public static void keptFields(ByteBuf out, Head h) {
        int run = -1;
        for (int i = 0; i < h.count; i++) {
            int start = h.index[i * 4];
            if (h.dropped[i]) {
                if (run >= 0) {
                    out.writeBytes(h.bytes, run, start - run);
                    run = -1;
                }
            } else if (run < 0) {
                run = start;
            }
        }
        if (run >= 0) {
            out.writeBytes(h.bytes, run, h.length - 2 - run);
        }
    }

    /** "name: ", for a value written in parts. */
    public static void name(ByteBuf out, AsciiString name) {
        ByteBufUtil.copy(name, out);
        out.writeByte(':').writeByte(' ');
    }

    public static void field(ByteBuf out, AsciiString name, CharSequence value) {
        name(out, name);
        if (value instanceof AsciiString a) {
            ByteBufUtil.copy(a, out);
        } else {
            ByteBufUtil.writeAscii(out, value);
        }
        out.writeByte('\r').writeByte('\n');
    }

    /** The value of field {@code i} of {@code h} as received, for joining with a value of our own. */
    public static void value(ByteBuf out, Head h, int i) {
        int s = h.index[i * 4 + Head.VALUE_START];
        out.writeBytes(h.bytes, s, h.index[i * 4 + Head.VALUE_END] - s);
    }

    public static void end(ByteBuf out) {
        out.writeByte('\r').writeByte('\n');
    }

    /** Bytes the head occupies: a size hint for the buffer it is written to. */
    public static int sizeHint(Head h) {
        return h.length + 256;
    }
}
