package dev.fader.routing;

import java.util.Locale;

/**
 * What routing may read of a request. The proxy adapts Netty's request to it; {@code explain} and
 * {@code simulate} build one from the command line.
 */
public interface RequestView {
    /** Lower-cased host without port, or "" when absent. */
    String host();

    /** A Host field as sent (or null) as {@link #host()} gives it: lower case, without port. */
    static String normalizeHost(String raw) {
        if (raw == null) {
            return "";
        }
        int end;
        if (raw.startsWith("[")) {
            int close = raw.indexOf(']');
            end = close < 0 ? raw.length() : close + 1;
        } else {
            int colon = raw.indexOf(':');
            end = colon < 0 ? raw.length() : colon;
        }
        return (end == raw.length() ? raw : raw.substring(0, end)).toLowerCase(Locale.ROOT);
    }

    /** The path, without query string. */
    String path();

    /** Whether the path starts with {@code prefix} (which never holds '?'). */
    default boolean pathStartsWith(String prefix) {
        return path().startsWith(prefix);
    }

    /** First value of a header, or null. */
    String header(CharSequence name);

    /**
     * Every line of a header joined in order with ", " (RFC 9110 section 5.3), or null when absent: for list
     * fields such as X-Forwarded-For, where each proxy on the way may have added a line of its own.
     */
    default String headerLines(CharSequence name) {
        return header(name);
    }

    /** The raw query string after '?', or null. */
    String rawQuery();

    /** The socket peer's IP address bytes (4 or 16), or null when unknown. */
    byte[] peerAddress();

    /** The socket peer's IP as text, or "" when unknown. */
    String peerIp();
}
