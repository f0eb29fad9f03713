package dev.fader.config;

/** Where a value is read from a request: {@code header:NAME}, {@code cookie:NAME}, {@code query:NAME} or {@code ip}. */
public record KeySource(Kind kind, String name) {

    public enum Kind { HEADER, COOKIE, QUERY, IP }

    public static KeySource parse(String text) {
        String s = text.trim();
        if (s.equals("ip")) {
            return new KeySource(Kind.IP, "");
        }
        int colon = s.indexOf(':');
        String prefix = colon < 0 ? s : s.substring(0, colon);
        String name = colon < 0 ? "" : s.substring(colon + 1).trim();
        Kind kind = switch (prefix) {
            case "header" -> Kind.HEADER;
            case "cookie" -> Kind.COOKIE;
            case "query" -> Kind.QUERY;
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a key source (expected: header:NAME, cookie:NAME, query:NAME or ip)");
        };
        if (name.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' names no " + prefix + " (expected: " + prefix + ":NAME)");
        }
        return new KeySource(kind, name);
    }

    @Override
    public String toString() {
        return kind == Kind.IP ? "ip" : kind.name().toLowerCase() + ":" + name;
    }
}
