package dev.fader.routing;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A second hash of a user key under a secret made at start, so that feedback "by user" can be checked
 * against the users this instance served without keeping their keys. The bucketing hash alone is public
 * (anyone who knows the salt computes it), so with 100,000 users remembered a forger would find a key that
 * collides with one of them in about 43,000 tries; with this secret 32 bits beside it, a forged key matches
 * only by chance (about 2^-63 per try). The secret never leaves the process and changes at each start, which
 * is also when the users remembered are forgotten.
 */
public final class UserTags {
    private static final Murmur3.Prefix SECRET = new Murmur3.Prefix(secret());

    private UserTags() {
    }

    /** Never 0, so 0 can mean "no user key". */
    public static int of(CharSequence key) {
        int t = SECRET.hash(key);
        return t == 0 ? 1 : t;
    }

    private static String secret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b) + ":";
    }
}
