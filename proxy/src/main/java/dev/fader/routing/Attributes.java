package dev.fader.routing;

import dev.fader.config.KeySource;
import io.netty.util.AsciiString;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads a header, cookie or query parameter of a request by scanning, without parsing every cookie or parameter. */
final class Attributes {
    private Attributes() {
    }

    static final AsciiString COOKIE = AsciiString.cached("cookie");
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    /** {@code headerName} is the source's name as an AsciiString, whose hash Netty's headers reuse. */
    static String read(RequestView request, KeySource source, AsciiString headerName) {
        return switch (source.kind()) {
            case HEADER -> blankToNull(request.header(headerName));
            case COOKIE -> cookie(request.header(COOKIE), source.name());
            case QUERY -> query(request.rawQuery(), source.name());
            case IP -> null; // resolved by ClientAddress, which knows the trusted proxies
        };
    }

    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        int i = 0;
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > 0 && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
                String v = header.substring(eq + 1, end).trim();
                if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
                    v = v.substring(1, v.length() - 1);
                }
                return v.isEmpty() ? null : v;
            }
            i = end + 1;
        }
        return null;
    }

    static String query(String raw, String name) {
        if (raw == null) {
            return null;
        }
        int i = 0;
        int n = raw.length();
        while (i < n) {
            int end = raw.indexOf('&', i);
            if (end < 0) {
                end = n;
            }
            int eq = raw.indexOf('=', i);
            if (eq > 0 && eq < end && eq - i == name.length() && raw.regionMatches(i, name, 0, name.length())) {
                String v = raw.substring(eq + 1, end);
                try {
                    v = URLDecoder.decode(v, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null; // malformed escapes: treat as absent rather than guess
                }
                return v.isEmpty() ? null : v;
            }
            i = end + 1;
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
