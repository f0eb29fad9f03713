package dev.fader.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelOutboundInvoker;

/**
 * Writes a body onward in the framing its head announced: as received when its length is known,
 * chunked otherwise (one small buffer per part for the chunk's size line, the data itself untouched).
 */
public final class BodyWriter {
    private boolean chunked;
    private boolean open;

    /** Starts a body; {@code chunked}: frame it as chunks. */
    public void start(boolean chunked) {
        this.chunked = chunked;
        this.open = false;
    }

    /** Writes one part (unflushed; a failed write closes the channel through its exception). */
    public void write(ChannelOutboundInvoker out, ByteBuf data) {
        if (chunked) {
            int n = data.readableBytes();
            if (n == 0) {
                data.release();
                return; // an empty chunk would end the body
            }
            ByteBuf size = data.alloc().buffer(12);
            if (open) {
                size.writeByte('\r').writeByte('\n');
            }
            ByteBufUtil.writeAscii(size, Integer.toHexString(n));
            size.writeByte('\r').writeByte('\n');
            out.write(size, out.voidPromise());
            open = true;
        }
        out.write(data, out.voidPromise());
    }

    /** Writes a whole chunk received with its framing, as it is (the next hop is chunked too). */
    public void writeFramed(ChannelOutboundInvoker out, ByteBuf chunk) {
        if (open) {
            out.write(chunk.alloc().buffer(2).writeByte('\r').writeByte('\n'), out.voidPromise());
            open = false;
        }
        out.write(chunk, out.voidPromise());
    }

    /** Ends the body: the last chunk for a chunked one, nothing otherwise. */
    public void end(ChannelOutboundInvoker out, io.netty.buffer.ByteBufAllocator alloc) {
        if (!chunked) {
            return;
        }
        ByteBuf last = alloc.buffer(7);
        if (open) {
            last.writeByte('\r').writeByte('\n');
        }
        last.writeByte('0').writeByte('\r').writeByte('\n').writeByte('\r').writeByte('\n');
        out.write(last, out.voidPromise());
        chunked = false;
    }
}
