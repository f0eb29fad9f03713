package dev.fader.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The guard the proxy ran in front of Netty's decoder before the head codec (which refuses obs-fold
 * itself), kept as part of {@link HeadCodecDifferentialTest}'s reference for the old decisions.
 *
 * <p>Refuses obs-fold (a header line continued on the next line that starts with a space or tab) with
 * 400, as RFC 9112 section 5.2 allows and HAProxy does: Netty's decoder would silently join the lines,
 * and a proxy that reads a folded header one way while a peer reads it another is a smuggling vector.
 * It scans the bytes of a request head before the decoder, then stands aside until the request is
 * complete ({@link #rearm}), so bodies are never scanned.
 */
final class ObsFoldGuard extends ChannelInboundHandlerAdapter {
    private static final byte[] REFUSAL = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 58\r\n"
            + "Connection: close\r\nServer: fader\r\n\r\n400 Bad Request: obs-fold (folded header line) is refused\n")
            .getBytes(StandardCharsets.US_ASCII);
    private boolean scanning = true;
    private boolean afterFirstLine;
    private boolean lineStart;
    private boolean refused;
    private final ByteProcessor stepper = this::step;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (scanning && msg instanceof ByteBuf buf && folded(buf)) {
            refused = true;
            buf.release();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The decoder has seen a whole request: the next bytes start a new head. */
    void rearm() {
        scanning = true;
        afterFirstLine = false;
        lineStart = false;
    }

    private boolean folded(ByteBuf buf) {
        // forEachByte walks the memory directly, without a bounds check per byte as getByte has.
        return buf.forEachByte(stepper) >= 0 && scanning;
    }

    /** One byte of a head; false stops the walk (a fold found, or the head ended). */
    private boolean step(byte b) {
        if (b == '\r') {
            return true;
        }
        if (b == '\n') {
            if (lineStart && afterFirstLine) {
                scanning = false; // the empty line: end of the head
                return false;
            }
            lineStart = true;
            afterFirstLine = true;
            return true;
        }
        if (lineStart && (b == ' ' || b == '\t')) {
            return false;
        }
        lineStart = false;
        return true;
    }
}
