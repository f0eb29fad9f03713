package dev.fader.proxy;

import dev.fader.config.ShadowConfig;
import dev.fader.feedback.Mirror;
import dev.fader.wire.Field;
import dev.fader.wire.RequestHead;
import dev.fader.wire.ResponseHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For a request a rollout's {@code shadow:} copies: the client's request (end-to-end headers, body) and
 * the primary's answer, each copied as it streams past, up to {@code max-body}; beyond it only the fact is
 * kept. The copy is what lets the shadow run after the client has its answer, never before.
 */
final class MirrorCapture {
    /** Headers a copy must not carry over: hop-by-hop ones, and those the copy's own client sets. */
    private static final Set<String> NOT_COPIED = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect");

    private final long maxBody;
    private final String method;
    private final String uri;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final Bytes request = new Bytes();
    private final Bytes answer = new Bytes();
    private int status = -1;
    private String contentType;

    private final Channel client;

    MirrorCapture(ShadowConfig shadow, RequestHead r, String uri, Channel client) {
        this.client = client;
        this.maxBody = shadow.maxBody();
        this.method = r.method();
        this.uri = uri;
        for (int i = 0; i < r.fieldCount(); i++) {
            String name = r.name(i);
            // Fader's own fields never travel from a client, on a copy no more than on the primary.
            if (!NOT_COPIED.contains(name.toLowerCase(java.util.Locale.ROOT)) && !fadersOwn(r.idOf(i))) {
                headers.add(new AbstractMap.SimpleImmutableEntry<>(name, r.value(i)));
            }
        }
    }

    private static boolean fadersOwn(int id) {
        return id == Field.X_FADER_OTHER || id == Field.X_FADER_VARIANT || id == Field.X_FADER_ROLLOUT
                || id == Field.X_FADER_DECISION;
    }

    void request(ByteBuf part) {
        request.add(part, maxBody);
    }

    void head(ResponseHead r) {
        status = r.status();
        contentType = r.get(Field.CONTENT_TYPE);
    }

    void answer(ByteBuf part) {
        answer.add(part, maxBody);
    }

    /** {@code answered}: the primary's answer arrived whole; otherwise there is nothing to compare with. */
    Mirror finish(boolean answered) {
        return new Mirror(method, uri, List.copyOf(headers), request.bytes(), answered ? status : -1, contentType,
                answer.bytes(), request.overflow || answer.overflow, client);
    }

    /** A byte array that grows by doubling up to a bound, then stops and says so. */
    private static final class Bytes {
        private byte[] data = new byte[0];
        private int length;
        boolean overflow;

        void add(ByteBuf part, long max) {
            int n = part.readableBytes();
            if (overflow || n == 0) {
                return;
            }
            if (length + (long) n > max) {
                overflow = true;
                data = new byte[0];
                length = 0;
                return;
            }
            if (length + n > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(max, Math.max(1024, Math.max(2L * data.length, length + n))));
            }
            part.getBytes(part.readerIndex(), data, length, n);
            length += n;
        }

        byte[] bytes() {
            return Arrays.copyOf(data, length);
        }
    }
}
