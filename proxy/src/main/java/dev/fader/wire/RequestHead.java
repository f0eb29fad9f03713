package dev.fader.wire;

import java.util.Arrays;

/**
 * A request head (RFC 9112 section 3): method, target and version from the request line, and its fields.
 * What a proxy must know before forwarding (framing, persistence, Host, Expect, Upgrade) is read once,
 * at parse time.
 */
public final class RequestHead extends Head {
    private static final String[] METHODS = {"GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH"};

    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int major;
    private int minor;
    private String method;
    private String target;
    private String lastHost; // this connection's last Host value, and its bytes
    private byte[] lastHostBytes;

    @Override
    void startLine() throws HeadException {
        int lf = lineEnd(0);
        int stop = lf - 1;
        int p = 0;
        while (p < stop && tchar(bytes[p])) {
            p++;
        }
        if (p == 0 || p == stop || bytes[p] != ' ') {
            throw new HeadException(Problem.MALFORMED, "request line '" + text(0, Math.min(stop, 60))
                    + "' (expected: method SP target SP version)");
        }
        methodEnd = p;
        targetStart = ++p;
        while (p < stop && visible(bytes[p])) {
            p++;
        }
        targetEnd = p;
        if (targetEnd == targetStart || p == stop || bytes[p] != ' ' || stop - p != 9) {
            throw new HeadException(Problem.MALFORMED, "request line '" + text(0, Math.min(stop, 60))
                    + "' (expected: method SP target SP HTTP/digit.digit)");
        }
        readVersion(p + 1);
        method = null;
        target = null;
    }

    @Override
    void finish() throws HeadException {
        readFraming();
        if (chunked && http10()) {
            throw new HeadException(Problem.MALFORMED, "Transfer-Encoding in an HTTP/1.0 request (expected: Content-Length)");
        }
        if (chunked && contentLength >= 0) {
            throw new HeadException(Problem.MALFORMED, "both Content-Length and Transfer-Encoding (expected: one)");
        }
    }

    private void readVersion(int at) throws HeadException {
        if (bytes[at] != 'H' || bytes[at + 1] != 'T' || bytes[at + 2] != 'T' || bytes[at + 3] != 'P'
                || bytes[at + 4] != '/' || !digit(bytes[at + 5]) || bytes[at + 6] != '.' || !digit(bytes[at + 7])) {
            throw new HeadException(Problem.MALFORMED, "version '" + text(at, at + 8) + "' (expected: HTTP/digit.digit)");
        }
        major = bytes[at + 5] - '0';
        minor = bytes[at + 7] - '0';
    }

    /** A target byte: visible ASCII or, as some clients send raw UTF-8, obs-text; never a control or space. */
    private static boolean visible(byte b) {
        return (b & 0xff) > 0x20 && b != 0x7f;
    }

    public String method() {
        if (method == null) {
            int n = methodEnd;
            for (String m : METHODS) {
                if (m.length() == n && matches(m)) {
                    method = m;
                    return m;
                }
            }
            method = text(0, n);
        }
        return method;
    }

    private boolean matches(String m) {
        for (int i = 0; i < m.length(); i++) {
            if (bytes[i] != m.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** True for the method named {@code m} (methods are case-sensitive). */
    public boolean methodIs(String m) {
        return methodEnd == m.length() && matches(m);
    }

    /**
     * The first Host field's value as sent, or null. The connection's requests nearly always name the same
     * host, so the String of the last one is kept and handed out again while the bytes are the same.
     */
    public String host() {
        int i = find(Field.HOST, 0);
        if (i < 0) {
            return null;
        }
        int s = index[i * 4 + VALUE_START];
        int n = index[i * 4 + VALUE_END] - s;
        if (lastHost == null || n != lastHostBytes.length || !Arrays.equals(bytes, s, s + n, lastHostBytes, 0, n)) {
            lastHostBytes = Arrays.copyOfRange(bytes, s, s + n);
            lastHost = text(s, s + n);
        }
        return lastHost;
    }

    /** The request target as sent. */
    public String target() {
        if (target == null) {
            target = text(targetStart, targetEnd);
        }
        return target;
    }

    public int major() {
        return major;
    }

    public int minor() {
        return minor;
    }

    public boolean http10() {
        return major == 1 && minor == 0;
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 only when asked to keep it. */
    public boolean keepAlive() {
        return !close && (!http10() || keepAlive);
    }

    /** An Upgrade field with the upgrade option in Connection: the client asks to switch protocols. */
    public boolean upgrade() {
        return upgradeOption && find(Field.UPGRADE, 0) >= 0;
    }

    int methodEnd() {
        return methodEnd;
    }

    int targetStart() {
        return targetStart;
    }

    int targetEnd() {
        return targetEnd;
    }
}
