package dev.fader.observe;

import io.netty.util.internal.PlatformDependent;
import java.nio.ByteOrder;

/**
 * Finds the first of two byte values in memory, eight bytes at a time (the "has a zero byte" word trick,
 * SWAR): what lets the answer reader pass over string contents and data lines at a fraction of a
 * byte-by-byte state machine's cost. Reads only inside {@code [from, to)} of a live direct buffer.
 */
final class ByteScan {
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final boolean WORDS = PlatformDependent.isUnaligned()
            && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private ByteScan() {
    }

    /** The first index in {@code [from, to)} holding {@code a} or {@code b}, else {@code to}. */
    static int find(long address, int from, int to, byte a, byte b) {
        int i = from;
        if (WORDS) {
            long pa = ONES * (a & 0xff);
            long pb = ONES * (b & 0xff);
            for (; i + 8 <= to; i += 8) {
                long w = PlatformDependent.getLong(address + i);
                long xa = w ^ pa;
                long xb = w ^ pb;
                // A set high bit marks a zero byte of xa or xb; the lowest one is exact (borrows only run upward).
                long hit = ((xa - ONES) & ~xa | (xb - ONES) & ~xb) & HIGHS;
                if (hit != 0) {
                    return i + (Long.numberOfTrailingZeros(hit) >>> 3);
                }
            }
        }
        for (; i < to; i++) {
            byte c = PlatformDependent.getByte(address + i);
            if (c == a || c == b) {
                return i;
            }
        }
        return to;
    }
}
