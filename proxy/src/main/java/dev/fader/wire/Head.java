package dev.fader.wire;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One message head exactly as it arrived (start line, field lines, blank line), copied once into an array
 * its connection reuses, with an index of where each field's name and value lie. Nothing is decoded into
 * strings unless asked for: the proxy forwards the bytes and reads only the few fields it acts on.
 * A head is valid until its decoder reads the next message of the connection.
 */
public abstract class Head {
    static final int NAME_START = 0;
    static final int NAME_END = 1;
    static final int VALUE_START = 2;
    static final int VALUE_END = 3;
    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    byte[] bytes = new byte[512];
    int length;
    /** Per field, four offsets: name start and end, value start and end (value without surrounding space). */
    int[] index = new int[4 * 16];
    int[] ids = new int[16];
    int count;
    /** Fields the writer leaves out: marked by the proxy's header rules. */
    boolean[] dropped = new boolean[16];
    long contentLength;
    boolean chunked;
    /** Connection options named in the head: close, keep-alive, upgrade. */
    boolean close;
    boolean keepAlive;
    boolean upgradeOption;

    /** Starts a new head: the connection's previous one is forgotten. */
    final void begin() {
        Arrays.fill(dropped, 0, count, false);
        length = 0;
        count = 0;
        contentLength = -1;
        chunked = false;
        close = false;
        keepAlive = false;
        upgradeOption = false;
    }

    /** Appends one line of the head ({@code len} bytes of {@code buf} from {@code from}, its LF included). */
    final void append(ByteBuf buf, int from, int len) {
        if (bytes.length < length + len) {
            bytes = Arrays.copyOf(bytes, Math.max(length + len, bytes.length * 2));
        }
        buf.getBytes(from, bytes, length, len);
        length += len;
    }

    /** Checks the start line, the head's first {@code length} bytes. */
    abstract void startLine() throws HeadException;

    /** Checks what the fields say together, once the blank line is in. */
    abstract void finish() throws HeadException;

    static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean tchar(int b) {
        return TCHAR[b & 0xff];
    }

    /** The index of the LF that ends the line starting at {@code from}, after checking it ends in CRLF. */
    final int lineEnd(int from) throws HeadException {
        for (int i = from; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (i == from || bytes[i - 1] != '\r') {
                    throw new HeadException(Problem.MALFORMED, "a line ending in a bare LF (expected: CRLF)");
                }
                return i;
            }
        }
        throw new HeadException(Problem.MALFORMED, "an unterminated line");
    }

    /**
     * Checks and indexes the field line at {@code pos} (RFC 9112 section 5), its LF at {@code lf}: a token
     * name, a colon with no space before it, a value of visible characters, spaces and tabs; no obs-fold,
     * no bare CR or LF, no control characters.
     */
    final void fieldLine(int pos, int lf) throws HeadException {
        if (lf == pos || bytes[lf - 1] != '\r') {
            throw new HeadException(Problem.MALFORMED, "a line ending in a bare LF (expected: CRLF)");
        }
        int lineStop = lf - 1; // the CR
        byte first = bytes[pos];
        if (first == ' ' || first == '\t') {
            throw new HeadException(Problem.MALFORMED, "obs-fold (a field line continued on the next line)");
        }
        int colon = pos;
        while (colon < lineStop && tchar(bytes[colon])) {
            colon++;
        }
        if (colon == pos || colon == lineStop || bytes[colon] != ':') {
            throw new HeadException(Problem.MALFORMED, "an invalid field name in '" + text(pos, Math.min(lineStop, pos + 40))
                    + "' (expected: a token, then ':')");
        }
        int vs = colon + 1;
        while (vs < lineStop && (bytes[vs] == ' ' || bytes[vs] == '\t')) {
            vs++;
        }
        int ve = lineStop;
        for (int i = vs; i < ve; i++) {
            int b = bytes[i] & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new HeadException(Problem.MALFORMED, "control character 0x" + Integer.toHexString(b)
                        + " in field " + text(pos, colon));
            }
        }
        while (ve > vs && (bytes[ve - 1] == ' ' || bytes[ve - 1] == '\t')) {
            ve--;
        }
        add(pos, colon, vs, ve);
    }

    private void add(int ns, int ne, int vs, int ve) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
            dropped = Arrays.copyOf(dropped, count * 2);
            index = Arrays.copyOf(index, count * 8);
        }
        int at = count * 4;
        index[at] = ns;
        index[at + 1] = ne;
        index[at + 2] = vs;
        index[at + 3] = ve;
        ids[count++] = Field.of(bytes, ns, ne);
    }

    /** Reads Content-Length, Transfer-Encoding and Connection: see {@link Framing}. */
    final void readFraming() throws HeadException {
        Framing.read(this);
    }

    /** The start of the next comma-separated token of field {@code i} at or after {@code from}, or -1. */
    final int tokenStart(int i, int from) {
        int e = index[i * 4 + VALUE_END];
        int p = from;
        while (p < e && (bytes[p] == ',' || bytes[p] == ' ' || bytes[p] == '\t')) {
            p++;
        }
        return p < e ? p : -1;
    }

    /** The end of the token of field {@code i} that starts at {@code start} (spaces before a comma excluded). */
    final int tokenEnd(int i, int start) {
        int e = index[i * 4 + VALUE_END];
        int p = start;
        while (p < e && bytes[p] != ',') {
            p++;
        }
        while (p > start && (bytes[p - 1] == ' ' || bytes[p - 1] == '\t')) {
            p--;
        }
        return p;
    }

    /** Leaves field {@code i} out when the head is written onward. */
    public final void drop(int i) {
        dropped[i] = true;
    }

    /** Leaves every field numbered {@code id} out. */
    public final void dropAll(int id) {
        for (int i = 0; i < count; i++) {
            if (ids[i] == id) {
                dropped[i] = true;
            }
        }
    }

    public final boolean dropped(int i) {
        return dropped[i];
    }

    /**
     * Calls {@code each} with the start and end of every comma-separated token in the fields numbered
     * {@code id} (Connection's options, say), without making strings of them.
     */
    public final void forEachToken(int id, TokenVisitor each) {
        for (int i = find(id, 0); i >= 0; i = find(id, i + 1)) {
            for (int t = tokenStart(i, index[i * 4 + VALUE_START]); t >= 0; t = tokenStart(i, tokenEnd(i, t))) {
                each.token(this, t, tokenEnd(i, t));
            }
        }
    }

    /** One token of a field value, as offsets into the head's bytes. */
    public interface TokenVisitor {
        void token(Head head, int start, int end);
    }

    /** True when {@code bytes[start, end)} is {@code lower} in any case. */
    public final boolean regionIs(int start, int end, String lower) {
        return end - start == lower.length() && Field.equalsLower(bytes, start, lower);
    }

    /** Leaves out every field whose name is {@code bytes[start, end)} in any case (a name Connection lists). */
    public final void dropNamed(int start, int end) {
        int n = end - start;
        for (int i = 0; i < count; i++) {
            int s = index[i * 4];
            if (index[i * 4 + 1] - s == n && sameIgnoringCase(s, start, n)) {
                dropped[i] = true;
            }
        }
    }

    private boolean sameIgnoringCase(int a, int b, int n) {
        for (int k = 0; k < n; k++) {
            if (!sameIgnoringCase(bytes[a + k], bytes[b + k])) {
                return false;
            }
        }
        return true;
    }

    public final int fieldCount() {
        return count;
    }

    /** The first field numbered {@code id} at or after {@code from}, or -1. */
    public final int find(int id, int from) {
        for (int i = from; i < count; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** The first field named {@code name} (any case), or -1. */
    public final int find(CharSequence name) {
        int n = name.length();
        for (int i = 0; i < count; i++) {
            int s = index[i * 4];
            if (index[i * 4 + 1] - s == n && equalsIgnoreCase(s, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean equalsIgnoreCase(int start, CharSequence name) {
        for (int k = 0, n = name.length(); k < n; k++) {
            if (!sameIgnoringCase(bytes[start + k], name.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** Field names are tokens: only letters have a case, so '^' and '~' must not pass for one another. */
    private static boolean sameIgnoringCase(int x, int y) {
        int lower = x | 0x20;
        return x == y || (lower >= 'a' && lower <= 'z' && lower == (y | 0x20));
    }

    /** The value of the first field named {@code name}, or null. */
    public final String get(CharSequence name) {
        int i = find(name);
        return i < 0 ? null : value(i);
    }

    /** The value of the first field numbered {@code id}, or null. */
    public final String get(int id) {
        int i = find(id, 0);
        return i < 0 ? null : value(i);
    }

    /** The number of field {@code i}'s name ({@link Field}), {@link Field#OTHER} for names Fader does not read. */
    public final int idOf(int i) {
        return ids[i];
    }

    /** True when field {@code i} is named {@code lower} (a lower-case name) in any case. */
    public final boolean nameIs(int i, CharSequence lower) {
        int s = index[i * 4];
        return index[i * 4 + 1] - s == lower.length() && Field.equalsLower(bytes, s, lower);
    }

    public final String name(int i) {
        return text(index[i * 4], index[i * 4 + 1]);
    }

    public final String value(int i) {
        return text(index[i * 4 + VALUE_START], index[i * 4 + VALUE_END]);
    }

    /** True when the value of field {@code i} is {@code lower} in any case. */
    public final boolean valueIs(int i, String lower) {
        int s = index[i * 4 + VALUE_START];
        return index[i * 4 + VALUE_END] - s == lower.length() && Field.equalsLower(bytes, s, lower);
    }

    /** The declared body length, -1 when there is no Content-Length. */
    public final long contentLength() {
        return contentLength;
    }

    public final boolean chunked() {
        return chunked;
    }

    final String text(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** The head's bytes, for tests and logs. */
    @Override
    public String toString() {
        return text(0, length);
    }
}
