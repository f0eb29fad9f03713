package dev.fader.admin;

import dev.fader.config.AdminAccess;
import dev.fader.config.Secret;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.NetUtil;
import java.util.Locale;

/**
 * The checks every admin request passes before it is served, in the order the README's "Security" section
 * lists them. Each defends one attack: {@code Host} against DNS rebinding (a page on attacker.example whose
 * name now resolves to 127.0.0.1: 421), {@code Origin} and {@code Sec-Fetch-Site} against cross-site
 * requests from an operator's browser (403), {@code Content-Type: application/json} against HTML forms, which
 * cannot send it without a CORS preflight this port never grants (415), and the tokens against everyone else
 * (401 for a missing or wrong token, 403 for a valid token of the wrong kind). See the Fetch standard's
 * "CORS-safelisted request-header" and OWASP's CSRF prevention cheat sheet.
 */
final class AdminGuard {
    /** Which token a request held; {@code NONE} when it held none (or none was needed and none was sent). */
    enum Holder {
        NONE, READ, FEEDBACK, ADMIN
    }

    /** The guard's answer: a refusal ({@code status} non-null, with {@code reason} for the failure counter) or a pass. */
    record Verdict(HttpResponseStatus status, String message, String reason, Holder holder) {
        static Verdict pass(Holder h) {
            return new Verdict(null, null, null, h);
        }

        boolean refused() {
            return status != null;
        }
    }

    private AdminGuard() {
    }

    /**
     * Checks one request against the access {@code need}; {@code scheme} and {@code localPort} form the port's
     * own origin.
     */
    static Verdict check(HttpMethod method, String path, HttpHeaders h, int bodyBytes, Access need,
            AdminAccess access, String scheme, int localPort) {
        String host = h.get(HttpHeaderNames.HOST);
        if (!path.equals("/healthz") && !hostAllowed(host, access)) {
            return refuse(HttpResponseStatus.MISDIRECTED_REQUEST, "Host " + (host == null ? "is missing" : "'"
                    + printable(host) + "' is not this admin port's") + " (expected: an IP address, localhost, or a"
                    + " name listed in admin-hosts)", null);
        }
        if (method.equals(HttpMethod.POST)) {
            String origin = h.get(HttpHeaderNames.ORIGIN);
            if (origin != null && !sameOrigin(origin, host, scheme, localPort)) {
                return refuse(HttpResponseStatus.FORBIDDEN, "Origin '" + printable(origin) + "' is not this admin"
                        + " port (expected: no Origin, or " + scheme + "://" + printable(host) + ")", null);
            }
            String site = h.get("Sec-Fetch-Site");
            if (site != null && !site.equals("same-origin") && !site.equals("none")) {
                return refuse(HttpResponseStatus.FORBIDDEN, "Sec-Fetch-Site '" + printable(site) + "': a request from"
                        + " another site (expected: same-origin or none)", null);
            }
            if (bodyBytes > 0 && !isJson(h.get(HttpHeaderNames.CONTENT_TYPE))) {
                String type = h.get(HttpHeaderNames.CONTENT_TYPE);
                return refuse(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type " + (type == null ? "is missing"
                        : "'" + printable(type) + "'") + " (expected: application/json)", null);
            }
        }
        return credentials(h.get(HttpHeaderNames.AUTHORIZATION), need, access);
    }

    private static Verdict credentials(String authorization, Access need, AdminAccess a) {
        Holder held = holder(authorization, a);
        boolean open = switch (need) {
            case OPEN -> true;
            case READ -> a.readToken() == null;
            case FEEDBACK -> a.feedbackToken() == null && a.adminToken() == null;
            case CONTROL -> a.adminToken() == null;
        };
        if (open) {
            return Verdict.pass(held == null ? Holder.NONE : held);
        }
        if (held == null) {
            return refuse(HttpResponseStatus.UNAUTHORIZED, "the token sent is none of this admin port's (expected:"
                    + " Authorization: Bearer <token>)", "invalid");
        }
        boolean ok = switch (need) {
            case OPEN -> true;
            case READ -> held == Holder.READ || held == Holder.ADMIN;
            case FEEDBACK -> held == Holder.FEEDBACK || held == Holder.ADMIN;
            case CONTROL -> held == Holder.ADMIN;
        };
        if (ok) {
            return Verdict.pass(held);
        }
        String needs = switch (need) {
            case READ -> "admin-read-token or admin-token";
            case FEEDBACK -> a.feedbackToken() == null ? "admin-token" : "feedback-token or admin-token";
            default -> "admin-token";
        };
        if (held == Holder.NONE) {
            return refuse(HttpResponseStatus.UNAUTHORIZED, "this needs Authorization: Bearer <" + needs + ">", "missing");
        }
        return refuse(HttpResponseStatus.FORBIDDEN, "a " + held.name().toLowerCase(Locale.ROOT) + " token may not do"
                + " this (expected: " + needs + ")", "wrong-kind");
    }

    /** The kind of token sent; NONE when none was sent; null when one was sent and matches none. */
    private static Holder holder(String authorization, AdminAccess a) {
        if (authorization == null) {
            return Holder.NONE;
        }
        String token = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
        if (matches(a.adminToken(), token)) {
            return Holder.ADMIN;
        }
        if (matches(a.feedbackToken(), token)) {
            return Holder.FEEDBACK;
        }
        if (matches(a.readToken(), token)) {
            return Holder.READ;
        }
        // A token where none is configured is no credential at all: the port is open to what it asks.
        return a.adminToken() == null && a.feedbackToken() == null && a.readToken() == null ? Holder.NONE : null;
    }

    private static boolean matches(Secret s, String token) {
        return s != null && token != null && s.matches(token);
    }

    static boolean hostAllowed(String host, AdminAccess access) {
        if (host == null) {
            return false;
        }
        String name = hostPart(host).toLowerCase(Locale.ROOT);
        return name.equals("localhost") || NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name)
                || access.hosts().contains(name);
    }

    /** The host of a Host value without its port; an IPv6 literal without its brackets. */
    private static String hostPart(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static boolean sameOrigin(String origin, String host, String scheme, int localPort) {
        if (host == null) {
            return false;
        }
        String o = origin.toLowerCase(Locale.ROOT);
        String own = scheme + "://" + host.toLowerCase(Locale.ROOT);
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String bare = scheme + "://" + hostPart(host.toLowerCase(Locale.ROOT));
        boolean hostHasPort = host.lastIndexOf(':') > host.lastIndexOf(']');
        return o.equals(own) || (!hostHasPort && localPort == defaultPort && o.equals(bare + ":" + defaultPort))
                || (hostHasPort && own.endsWith(":" + defaultPort) && o.equals(bare));
    }

    private static boolean isJson(String type) {
        if (type == null) {
            return false;
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().equalsIgnoreCase("application/json");
    }

    private static Verdict refuse(HttpResponseStatus s, String message, String reason) {
        return new Verdict(s, message, reason, Holder.NONE);
    }

    /** A header value as it may appear in an answer: printable ASCII, cut at 100 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
