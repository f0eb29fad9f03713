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
        if (isAscii(prefix) && isAscii(key)) {
            return hashAscii(prefix, key);
        }
        return hashAnyUtf8(prefix, key);
    }

    private static boolean isAscii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** User keys are nearly always ASCII: one byte per char, four chars per block, no encoding step. */
    private static int hashAscii(String prefix, CharSequence key) {
        int p = prefix.length();
        int length = p + key.length();
        int h = 0;
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            int k = at(prefix, key, p, i) | at(prefix, key, p, i + 1) << 8 | at(prefix, key, p, i + 2) << 16
                    | at(prefix, key, p, i + 3) << 24;
            h = mixH(h, mixK(k));
        }
        int k = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            k |= at(prefix, key, p, i) << shift;
        }
        if ((length & 3) != 0) {
            h ^= mixK(k);
        }
        return fmix(h ^ length);
    }

    private static int at(String prefix, CharSequence key, int p, int i) {
        return i < p ? prefix.charAt(i) : key.charAt(i - p);
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
