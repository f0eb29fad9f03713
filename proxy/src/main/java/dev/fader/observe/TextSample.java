package dev.fader.observe;

import io.netty.util.internal.PlatformDependent;
import java.nio.charset.StandardCharsets;

/**
 * Up to a fixed number of bytes of what a model said, as UTF-8, for a judge: plain bytes as they come,
 * {@code \\u} escapes decoded (surrogate pairs joined). Only answers sampled for a judge have one.
 */
final class TextSample {
    private final byte[] bytes;
    private int length;
    private int pendingHigh = -1;

    TextSample(int maxBytes) {
        this.bytes = new byte[maxBytes];
    }

    void add(byte b) {
        if (length < bytes.length) {
            bytes[length++] = b;
        }
    }

    /** {@code n} bytes at {@code address} of a live direct buffer. */
    void add(long address, int n) {
        int take = Math.min(n, bytes.length - length);
        if (take > 0) {
            PlatformDependent.copyMemory(address, bytes, length, take);
            length += take;
        }
    }

    /** One UTF-16 unit of a {@code \\u} escape. */
    void codePoint(int unit) {
        if (Character.isHighSurrogate((char) unit)) {
            pendingHigh = unit;
            return;
        }
        int cp = Character.isLowSurrogate((char) unit) && pendingHigh >= 0
                ? Character.toCodePoint((char) pendingHigh, (char) unit) : unit;
        pendingHigh = -1;
        for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            add(u);
        }
    }

    /** A string ended: a high surrogate left waiting has no pair. */
    void endString() {
        pendingHigh = -1;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
