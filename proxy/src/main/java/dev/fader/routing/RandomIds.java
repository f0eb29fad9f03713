package dev.fader.routing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Ids that must not be guessed: answer ids (feedback names them), request ids and {@code fader_uid} cookies.
 * Each thread draws from its own AES-128 counter-mode keystream under a key and counter start from
 * {@link SecureRandom} (the CTR_DRBG construction of NIST SP 800-90A, without its reseeding), buffered 4 KiB
 * at a time, so an id costs a few nanoseconds on the event loop and no lock. Seeing any number of ids tells
 * nothing of the others: predicting one would break AES. ({@code ThreadLocalRandom}, used before, is
 * SplitMix64: one output gives its seed and with it every later output of that thread.)
 */
public final class RandomIds {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<Keystream> STREAM = ThreadLocal.withInitial(Keystream::new);

    private RandomIds() {
    }

    /** 128 random bits as 32 lowercase hex digits. */
    public static String hex128() {
        Keystream k = STREAM.get();
        byte[] out = new byte[32];
        for (int i = 0; i < 16; i++) {
            int b = k.next();
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xf];
        }
        return new String(out, StandardCharsets.ISO_8859_1); // Latin-1 bytes: kept as they are, no char[]
    }

    private static final class Keystream {
        private final Cipher aes;
        private final byte[] zeros = new byte[4096];
        private final byte[] buf = new byte[4096];
        private int pos = buf.length;

        Keystream() {
            byte[] key = new byte[16];
            byte[] iv = new byte[16];
            SecureRandom seed = new SecureRandom();
            seed.nextBytes(key);
            seed.nextBytes(iv);
            try {
                aes = Cipher.getInstance("AES/CTR/NoPadding");
                aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JDK has AES/CTR", e);
            }
        }

        int next() {
            if (pos == buf.length) {
                try {
                    aes.update(zeros, 0, zeros.length, buf, 0);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
                pos = 0;
            }
            return buf[pos++] & 0xff;
        }
    }
}
