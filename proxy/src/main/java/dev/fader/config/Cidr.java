package dev.fader.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network such as 10.0.0.0/8 or ::1/128; a bare address is a network of one. */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr, text);
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length (expected: 0.." + max + ")");
            }
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }

    /** Parses an IP literal without ever resolving a name (InetAddress.getByName would do DNS). */
    static byte[] literal(String addr, String context) {
        boolean looksLikeIp = !addr.isEmpty() && addr.chars().allMatch(c ->
                Character.digit(c, 16) >= 0 || c == '.' || c == ':');
        if (!looksLikeIp) {
            throw new IllegalArgumentException("'" + context + "' is not an IP network (expected: e.g. 10.0.0.0/8)");
        }
        try {
            return InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + context + "' is not an IP network (expected: e.g. 10.0.0.0/8)");
        }
    }
}
