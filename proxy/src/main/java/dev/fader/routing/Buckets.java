package dev.fader.routing;

/** The contract's assignment rule: bucket = unsigned murmur3_x86_32(utf8(salt + ":" + key)) mod 10000. */
public final class Buckets {
    public static final int COUNT = 10_000;

    private Buckets() {
    }

    /** {@code saltPrefix} is the salt followed by ':' (precomputed per rollout). */
    public static int of(String saltPrefix, CharSequence key) {
        return of(Murmur3.hashUtf8(saltPrefix, key));
    }

    public static int of(int hash) {
        return (int) (Integer.toUnsignedLong(hash) % COUNT);
    }
}
