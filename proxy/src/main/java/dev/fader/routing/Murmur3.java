package dev.fader.routing;

/**
 * MurmurHash3 x86_32 (Austin Appleby, public domain, smhasher's MurmurHash3_x86_32), computed over the
 * UTF-8 encoding of a string without materialising the bytes, so that hashing a key allocates nothing.
 */
public final class Murmur3 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Murmur3() {
    }

    public static int hash(byte[] data, int seed) {
        int h = seed;
        int blocks = data.length & ~3;
        for (int i = 0; i < blocks; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            h = mixH(h, mixK(k));
        }
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[blocks + 2] & 0xff) << 16;
            // fall through
            case 2:
                k ^= (data[blocks + 1] & 0xff) << 8;
            // fall through
            case 1:
                k ^= data[blocks] & 0xff;
                h ^= mixK(k);
            // fall through
            default:
                break;
        }
        return fmix(h ^ data.length);
    }

    /** The hash of utf8(prefix + key) with seed 0, as the assignment rule of the contract requires. */
    public static int hashUtf8(String prefix, CharSequence key) {
        return new Prefix(prefix).hash(key);
    }

    /**
     * The hash state after a fixed prefix (a rollout's "salt:"), computed once, so that hashing a key
     * costs only the key's own bytes. User keys are nearly always ASCII: one byte per char, four chars per
     * block, read in one pass that falls back to the general UTF-8 walk at the first non-ASCII char.
     */
    public static final class Prefix {
        private final String text;
        private final boolean ascii;
        private final int h;          // state after the prefix's whole blocks
        private final int pending;    // its last length % 4 bytes, little-endian
        private final int pendingBytes;

        public Prefix(String text) {
            this.text = text;
            this.ascii = isAscii(text);
            int state = 0;
            int blocks = text.length() & ~3;
            if (ascii) {
                for (int i = 0; i < blocks; i += 4) {
                    state = mixH(state, mixK(text.charAt(i) | text.charAt(i + 1) << 8 | text.charAt(i + 2) << 16
                            | text.charAt(i + 3) << 24));
                }
            }
            int tail = 0;
            for (int i = blocks, shift = 0; ascii && i < text.length(); i++, shift += 8) {
                tail |= text.charAt(i) << shift;
            }
            this.h = state;
            this.pending = tail;
            this.pendingBytes = text.length() & 3;
        }

        public int hash(CharSequence key) {
            if (!ascii) {
                return hashAnyUtf8(text, key);
            }
            int n = key.length();
            int state = h;
            int acc = pending;
            int filled = pendingBytes;
            int i = 0;
            if (filled > 0) {
                for (; filled < 4 && i < n; i++, filled++) {
                    char c = key.charAt(i);
                    if (c >= 0x80) {
                        return hashAnyUtf8(text, key);
                    }
                    acc |= c << (filled << 3);
                }
                if (filled == 4) {
                    state = mixH(state, mixK(acc));
                    acc = 0;
                    filled = 0;
                }
            }
            for (; i + 4 <= n; i += 4) {
                char c0 = key.charAt(i);
                char c1 = key.charAt(i + 1);
                char c2 = key.charAt(i + 2);
                char c3 = key.charAt(i + 3);
                if ((c0 | c1 | c2 | c3) >= 0x80) {
                    return hashAnyUtf8(text, key);
                }
                state = mixH(state, mixK(c0 | c1 << 8 | c2 << 16 | c3 << 24));
            }
            for (; i < n; i++, filled++) {
                char c = key.charAt(i);
                if (c >= 0x80) {
                    return hashAnyUtf8(text, key);
                }
                acc |= c << (filled << 3);
            }
            if (filled > 0) {
                state ^= mixK(acc);
            }
            return fmix(state ^ (text.length() + n));
        }
    }

    private static boolean isAscii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int hashAnyUtf8(String prefix, CharSequence key) {
        int h = 0;
        int acc = 0;     // bytes gathered for the current 4-byte block, little-endian
        int filled = 0;  // how many bytes acc holds
        int length = 0;
        int total = prefix.length() + key.length();
        for (int i = 0; i < total; i++) {
            char c = i < prefix.length() ? prefix.charAt(i) : key.charAt(i - prefix.length());
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < total) {
                char d = i + 1 < prefix.length() ? prefix.charAt(i + 1) : key.charAt(i + 1 - prefix.length());
                if (Character.isLowSurrogate(d)) {
                    cp = Character.toCodePoint(c, d);
                    i++;
                }
            }
            if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                cp = '?'; // unpaired surrogate: what String.getBytes(UTF_8) writes
            }
            int n;
            int b0;
            int b1 = 0;
            int b2 = 0;
            int b3 = 0;
            if (cp < 0x80) {
                n = 1;
                b0 = cp;
            } else if (cp < 0x800) {
                n = 2;
                b0 = 0xc0 | cp >> 6;
                b1 = 0x80 | cp & 0x3f;
            } else if (cp < 0x10000) {
                n = 3;
                b0 = 0xe0 | cp >> 12;
                b1 = 0x80 | cp >> 6 & 0x3f;
                b2 = 0x80 | cp & 0x3f;
            } else {
                n = 4;
                b0 = 0xf0 | cp >> 18;
                b1 = 0x80 | cp >> 12 & 0x3f;
                b2 = 0x80 | cp >> 6 & 0x3f;
                b3 = 0x80 | cp & 0x3f;
            }
            for (int j = 0; j < n; j++) {
                int b = j == 0 ? b0 : j == 1 ? b1 : j == 2 ? b2 : b3;
                acc |= (b & 0xff) << (filled << 3);
                length++;
                if (++filled == 4) {
                    h = mixH(h, mixK(acc));
                    acc = 0;
                    filled = 0;
                }
            }
        }
        if (filled > 0) {
            h ^= mixK(acc);
        }
        return fmix(h ^ length);
    }

    private static int mixK(int k) {
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        return k * C2;
    }

    private static int mixH(int h, int k) {
        h ^= k;
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ h >>> 16;
    }
}
