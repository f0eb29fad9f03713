package dev.fader.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A value read from a secret reference ({@code ${env:NAME}}, {@code ${file:PATH}}; see {@link SecretRefs}): a
 * token or an upstream credential. It prints as {@code <secret>}, so a record, a log line or an error message
 * that holds one never shows it; only {@link #reveal} gives the value, for the one place that sends it.
 */
public final class Secret {
    private final String value;
    private final byte[] digest;

    public Secret(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /** The value itself: for the header that carries it, never for text a person reads. */
    public String reveal() {
        return value;
    }

    /**
     * True when {@code candidate} is this secret. Both sides are hashed first, so the comparison takes the
     * same time whatever the candidate's length or its first wrong byte ({@link MessageDigest#isEqual} is
     * constant-time over equal lengths).
     */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(digest, s.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "<secret>";
    }
}
