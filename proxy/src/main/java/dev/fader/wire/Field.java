package dev.fader.wire;

import io.netty.util.AsciiString;

/**
 * The header fields the proxy acts on, known by a small number from the moment the head is parsed, so
 * that finding, dropping and checking them is an integer comparison rather than a string match.
 */
public final class Field {
    public static final int OTHER = 0;
    public static final int HOST = 1;
    public static final int CONTENT_LENGTH = 2;
    public static final int TRANSFER_ENCODING = 3;
    public static final int CONNECTION = 4;
    public static final int KEEP_ALIVE = 5;
    public static final int TE = 6;
    public static final int TRAILER = 7;
    public static final int UPGRADE = 8;
    public static final int PROXY_CONNECTION = 9;
    public static final int PROXY_AUTHORIZATION = 10;
    public static final int PROXY_AUTHENTICATE = 11;
    public static final int EXPECT = 12;
    public static final int X_FORWARDED_FOR = 13;
    public static final int X_FORWARDED_PROTO = 14;
    public static final int X_FORWARDED_HOST = 15;
    public static final int X_REQUEST_ID = 16;
    public static final int VIA = 17;
    public static final int X_FADER_VARIANT = 18;
    public static final int X_FADER_ROLLOUT = 19;
    public static final int X_FADER_DECISION = 20;
    public static final int CONTENT_TYPE = 21;
    public static final int CONTENT_ENCODING = 22;
    /** Any other {@code X-Fader-*} field: Fader's own namespace, which clients may not write into. */
    public static final int X_FADER_OTHER = 23;

    /** Lower-case names, indexed by number. */
    static final AsciiString[] NAMES = {null, name("host"), name("content-length"), name("transfer-encoding"),
        name("connection"), name("keep-alive"), name("te"), name("trailer"), name("upgrade"), name("proxy-connection"),
        name("proxy-authorization"), name("proxy-authenticate"), name("expect"), name("x-forwarded-for"),
        name("x-forwarded-proto"), name("x-forwarded-host"), name("x-request-id"), name("via"),
        name("x-fader-variant"), name("x-fader-rollout"), name("x-fader-decision"), name("content-type"),
        name("content-encoding"), name("x-fader-")};

    /** Names by length, for {@link #of}: most lengths hold one or two candidates. */
    private static final int[][] BY_LENGTH = new int[32][];

    static {
        for (int id = 1; id < X_FADER_OTHER; id++) {
            int len = NAMES[id].length();
            int[] old = BY_LENGTH[len] == null ? new int[0] : BY_LENGTH[len];
            int[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = id;
            BY_LENGTH[len] = grown;
        }
    }

    private Field() {
    }

    private static AsciiString name(String s) {
        return AsciiString.cached(s);
    }

    public static AsciiString name(int id) {
        return NAMES[id];
    }

    /** The number of the field named by {@code bytes[start, end)} in any case, or {@link #OTHER}. */
    static int of(byte[] bytes, int start, int end) {
        int len = end - start;
        if (len < BY_LENGTH.length && BY_LENGTH[len] != null) {
            for (int id : BY_LENGTH[len]) {
                if (equalsLower(bytes, start, NAMES[id])) {
                    return id;
                }
            }
        }
        return len > 8 && equalsLower(bytes, start, NAMES[X_FADER_OTHER]) ? X_FADER_OTHER : OTHER;
    }

    /** True when {@code bytes} from {@code start} spell {@code lower} (a lower-case name) in any case. */
    static boolean equalsLower(byte[] bytes, int start, CharSequence lower) {
        for (int i = 0, n = lower.length(); i < n; i++) {
            int b = bytes[start + i];
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
