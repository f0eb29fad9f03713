package dev.fader.routing;

import dev.fader.config.Cidr;
import io.netty.util.NetUtil;
import java.util.List;

/**
 * The client's IP: the socket peer, or, when the peer is a trusted proxy, the right-most address of
 * X-Forwarded-For that is not itself trusted, over all its field lines joined in order (a proxy that adds a
 * line of its own, rather than appending, must not let the client's line decide). A peer that is not trusted
 * can claim nothing.
 */
final class ClientAddress {
    private final List<Cidr> trusted;

    ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    String of(RequestView request) {
        String peer = request.peerIp();
        if (trusted.isEmpty() || !isTrusted(request.peerAddress())) {
            return peer;
        }
        String xff = request.headerLines(Attributes.X_FORWARDED_FOR);
        if (xff == null) {
            return peer;
        }
        String[] hops = xff.split(",");
        String leftMost = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            byte[] bytes = literal(hop);
            if (bytes == null) {
                return peer; // a malformed hop: stop trusting the chain here
            }
            leftMost = hop;
            if (!isTrusted(bytes)) {
                return hop;
            }
        }
        return leftMost;
    }

    private boolean isTrusted(byte[] address) {
        if (address == null) {
            return false;
        }
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The address bytes of an IP literal, or null; never a DNS lookup (this runs on an event loop). */
    private static byte[] literal(String s) {
        return NetUtil.createByteArrayFromIpAddressString(s);
    }
}
