package dev.fader.proxy;

import io.netty.channel.Channel;
import dev.fader.wire.BodyWriter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * Request body parts that arrived before the upstream connection did. Bounded by one read: the client is
 * not read again until the connection is there.
 */
final class HeldBody {
    private ArrayDeque<ByteBuf> parts; // made on first use: most bodies arrive after the connection

    void add(ByteBuf part) {
        if (parts == null) {
            parts = new ArrayDeque<>(4);
        }
        parts.add(part);
    }

    boolean isEmpty() {
        return parts == null || parts.isEmpty();
    }

    /** Writes every held part to {@code upstream} (unflushed) and forgets them. */
    void writeTo(Channel upstream, BodyWriter framing) {
        ByteBuf c;
        while (parts != null && (c = parts.poll()) != null) {
            framing.write(upstream, c);
        }
    }

    void release() {
        ByteBuf c;
        while (parts != null && (c = parts.poll()) != null) {
            c.release();
        }
    }
}
