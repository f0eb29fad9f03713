package dev.fader.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the admin port's credentials and Host allow-list ({@link AdminAccess}). An admin port reachable from
 * other hosts must have an {@code admin-token}: without one, anything that can reach it could abort or promote
 * a rollout (and a web page in an operator's browser could, through a form).
 */
final class AccessReader {
    private AccessReader() {
    }

    static AdminAccess read(YamlMap top, Address admin, SecretRefs secrets) {
        Secret adminToken = token(top, "admin-token", secrets);
        Secret feedbackToken = token(top, "feedback-token", secrets);
        Secret readToken = token(top, "admin-read-token", secrets);
        List<String> hosts = new ArrayList<>();
        for (Node n : top.list("admin-hosts")) {
            top.parse(n, "admin-hosts", AccessReader::hostName).ifPresent(hosts::add);
        }
        if (admin != null && top.keyNode("admin-token").isEmpty() && !isLoopback(admin.host())) {
            top.problems().at(top.value("admin").orElse(top.node()), "admin: " + admin + " is reachable from other"
                    + " hosts, so it needs admin-token (expected: admin-token: ${env:FADER_ADMIN_TOKEN}, or admin on"
                    + " 127.0.0.1)");
        }
        return new AdminAccess(adminToken, feedbackToken, readToken, hosts);
    }

    private static Secret token(YamlMap top, String key, SecretRefs secrets) {
        if (!top.keyNode(key).isPresent()) {
            return null;
        }
        Node at = top.value(key).orElse(top.keyNode(key).orElseThrow());
        String raw = top.value(key).flatMap(n -> top.scalar(n, key)).orElse("");
        String value;
        try {
            value = secrets.resolve(raw);
        } catch (IllegalArgumentException e) {
            top.problems().at(at, key + ": " + e.getMessage());
            return null;
        }
        if (value.isBlank()) {
            top.problems().at(at, key + ": empty token (expected: a secret, e.g."
                    + " ${env:FADER_ADMIN_TOKEN})");
            return null;
        }
        if (value.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            top.problems().at(at, key + ": the token holds a space or control character (expected: a single word,"
                    + " as it travels in Authorization: Bearer <token>)");
            return null;
        }
        return new Secret(value);
    }

    private static String hostName(String s) {
        String h = s.trim().toLowerCase(Locale.ROOT);
        if (!h.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("'" + s + "' is not a host name (expected: a DNS name such as"
                    + " fader-admin.default.svc, without port)");
        }
        return h;
    }

    /** Loopback by its literal: {@code localhost}, 127.0.0.0/8 or ::1 (no lookup: validation never waits on DNS). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
