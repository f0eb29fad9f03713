package dev.fader.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayDeque;

/**
 * Request body parts that arrived before the upstream connection did. Bounded by one read: the client is
 * not read again until the connection is there.
 */
final class HeldBody {
    private ArrayDeque<HttpContent> parts; // made on first use: most bodies arrive after the connection

    void add(HttpContent part) {
        if (parts == null) {
            parts = new ArrayDeque<>(4);
        }
        parts.add(part);
    }

    boolean isEmpty() {
        return parts == null || parts.isEmpty();
    }

    /** Writes every held part to {@code upstream} (unflushed) and forgets them. */
    void writeTo(Channel upstream) {
        HttpContent c;
        while (parts != null && (c = parts.poll()) != null) {
            upstream.write(c);
        }
    }

    void release() {
        HttpContent c;
        while (parts != null && (c = parts.poll()) != null) {
            c.release();
        }
    }
}
