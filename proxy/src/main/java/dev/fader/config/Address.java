package dev.fader.config;

import java.net.InetSocketAddress;

/** A "host:port" (or bare port, binding every interface) as written in the rollout file. */
public record Address(String host, int port) {

    public static Address parse(String text) {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not an address (expected: [v6-host]:port)");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else if (s.indexOf(':') < 0) {
            host = "0.0.0.0";
            port = s;
        } else {
            int colon = s.lastIndexOf(':');
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.isEmpty() || host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "' is not an address (expected: host:port)");
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid port (expected: host:port with port 0..65535)");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " in '" + text + "' is out of range (expected: 0..65535)");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '_')) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address (in '" + text + "')");
            }
        }
        return new Address(host, p);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
