package dev.fader.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** The answers Fader writes itself (errors it detected), short plain text that says what happened. */
final class Responses {
    private Responses() {
    }

    static ByteBuf error(ByteBufAllocator alloc, HttpResponseStatus status, String reason, boolean close) {
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(200 + body.length);
        ByteBufUtil.writeAscii(out, "HTTP/1.1 " + status.code() + " " + status.reasonPhrase()
                + "\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: " + body.length
                + "\r\nserver: fader\r\n" + (close ? "connection: close\r\n" : "") + "\r\n");
        return out.writeBytes(body);
    }
}
