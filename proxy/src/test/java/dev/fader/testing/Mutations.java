package dev.fader.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded damage to a valid request, for the fuzz and differential tests: one to three edits each. */
public final class Mutations {
    /** Edit kinds: flip a bit, insert a byte, delete a byte, duplicate a line, insert a framing byte. */
    public static final int WITHOUT_FRAMING_BYTES = 4;
    public static final int ALL = 5;

    private Mutations() {
    }

    /** {@code kinds}: {@link #WITHOUT_FRAMING_BYTES} (FuzzIT's corpus) or {@link #ALL}. */
    public static byte[] mutate(byte[] in, SplittableRandom r, int kinds) {
        List<Byte> b = new ArrayList<>(in.length + 8);
        for (byte x : in) {
            b.add(x);
        }
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = r.nextInt(b.size());
            int kind = r.nextInt(kinds);
            if (kind == 0) {
                b.set(at, (byte) (b.get(at) ^ (1 << r.nextInt(8))));
            } else if (kind == 1) {
                b.add(at, (byte) r.nextInt(256));
            } else if (kind == 2) {
                b.remove(at);
            } else if (kind == 3 && kinds == ALL) {
                b.add(at, (byte) " \t\r\n:;,0".charAt(r.nextInt(8))); // the bytes framing turns on
            } else {
                int start = at; // duplicate the line that holds position at
                while (start > 0 && b.get(start - 1) != '\n') {
                    start--;
                }
                int end = at;
                while (end < b.size() && b.get(end) != '\n') {
                    end++;
                }
                b.addAll(start, new ArrayList<>(b.subList(start, Math.min(b.size(), end + 1))));
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }
}
