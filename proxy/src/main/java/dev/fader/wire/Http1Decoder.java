package dev.fader.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Strict HTTP/1.x framing of one connection, requests or responses. It passes on a message as its head
 * ({@link RequestHead} or {@link ResponseHead}, one object per connection, reused), then its body as
 * slices of the bytes received (de-chunked, never copied), then {@link #END}; a message that breaks a
 * rule as a {@link Malformed}, after which it reads nothing more.
 *
 * <p>After a request it stops until {@link #resume}: a pipelined request waits, unparsed, until the one
 * before it is answered (so the reused head stays valid while the exchange needs it). After a response
 * it expects nothing until {@link #expectResponse}; bytes an upstream sends unasked are a
 * {@link Malformed}. After a 101 answer the bytes that follow pass on as they are, and whatever it holds
 * when it is removed from the pipeline is passed on too (the start of a tunnel).
 */
public final class Http1Decoder extends ChannelInboundHandlerAdapter {
    /** The end of a message's body (also of a bodiless message). */
    public static final Object END = new Object();

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, UNTIL_CLOSE, WAIT, RAW, BAD }

    private final boolean requests;
    private final int maxLine;
    private final int maxHead;
    private final RequestHead request;
    private final ResponseHead response;
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private State state;
    private long remaining;
    private boolean started;
    private int fieldBytes;
    private boolean headRequest;
    private boolean decoding;
    private boolean resumeAfterEnd;
    private boolean relayChunks;
    private int framedOffset = -1;
    private int framedLength;
    private final Chunks chunks;

    private Http1Decoder(boolean requests, int maxLine, int maxHead) {
        this.requests = requests;
        this.maxLine = maxLine;
        this.maxHead = maxHead;
        this.request = requests ? new RequestHead() : null;
        this.response = requests ? null : new ResponseHead();
        this.state = requests ? State.HEAD : State.WAIT;
        this.chunks = new Chunks(maxHead);
    }

    /** Decodes the requests of a client connection: request line at most {@code maxLine}, fields {@code maxHead}. */
    public static Http1Decoder requests(int maxLine, int maxHead) {
        return new Http1Decoder(true, maxLine, maxHead);
    }

    /** Decodes the responses of an upstream connection. */
    public static Http1Decoder responses(int maxLine, int maxHead) {
        return new Http1Decoder(false, maxLine, maxHead);
    }

    /** A response to a request with {@code headRequest} (a HEAD, whose answer has no body) is due. */
    public void expectResponse(boolean headRequest) {
        this.headRequest = headRequest;
        this.relayChunks = false;
        if (state == State.WAIT) {
            state = State.HEAD;
        }
    }

    /** The previous request was answered: decode the next one from what has arrived. */
    public void resume() {
        if (state == State.WAIT) {
            state = State.HEAD;
            if (in != null && ctx != null) {
                decode();
            }
        } else if (requests && state != State.BAD) {
            // Answered before its end was passed on (a bodiless request refused at once): go on after it.
            resumeAfterEnd = true;
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.BAD) {
            buf.release();
            return;
        }
        if (in == null) {
            in = buf;
        } else {
            ByteBuf merged = ctx.alloc().buffer(in.readableBytes() + buf.readableBytes());
            merged.writeBytes(in).writeBytes(buf);
            in.release();
            buf.release();
            in = merged;
        }
        decode();
    }

    private void decode() {
        if (decoding) {
            return; // called back from a handler we passed something to: the loop below goes on
        }
        decoding = true;
        try {
            while (in != null && in.isReadable() && step()) {
                // each step consumes bytes or passes something on
            }
        } finally {
            decoding = false;
        }
        if (in != null && !in.isReadable()) {
            in.release();
            in = null;
        }
    }

    /** One step of the state machine; false when it needs more bytes or must not go on. */
    private boolean step() {
        switch (state) {
            case HEAD:
                return head();
            case FIXED: {
                int n = (int) Math.min(remaining, in.readableBytes());
                remaining -= n;
                ctx.fireChannelRead(take(n));
                if (remaining == 0) {
                    end();
                }
                return true;
            }
            case CHUNK_SIZE:
                return chunkSize();
            case CHUNK_DATA: {
                int n = (int) Math.min(remaining, in.readableBytes());
                remaining -= n;
                ctx.fireChannelRead(take(n));
                if (remaining == 0) {
                    state = State.CHUNK_CRLF;
                }
                return true;
            }
            case CHUNK_CRLF:
                if (in.readableBytes() < 2) {
                    return false;
                }
                if (in.readByte() != '\r' || in.readByte() != '\n') {
                    return bad(Problem.MALFORMED, "chunk data not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
                return true;
            case TRAILERS:
                return trailers();
            case UNTIL_CLOSE:
            case RAW:
                ctx.fireChannelRead(take(in.readableBytes()));
                return true;
            case WAIT:
                if (!requests) {
                    return bad(Problem.MALFORMED, "bytes from the upstream with no request outstanding");
                }
                return false;
            default:
                in.skipBytes(in.readableBytes());
                return false;
        }
    }

    /**
     * Takes the head line by line as lines arrive, each checked at once (a bad line is refused without
     * waiting for the rest), and copied into the connection's head; at the blank line the head is passed on.
     */
    /** The next {@code n} bytes to pass on: the received buffer itself when they are all it holds, else a slice. */
    private ByteBuf take(int n) {
        if (n == in.readableBytes()) {
            ByteBuf all = in;
            in = null;
            return all;
        }
        return in.readRetainedSlice(n);
    }

    private boolean head() {
        Head h = requests ? request : response;
        int r = in.readerIndex();
        int w = in.writerIndex();
        if (!started && requests) {
            // RFC 9112 section 2.2: empty lines before a request line are ignored.
            while (r < w && (in.getByte(r) == '\r' || in.getByte(r) == '\n')) {
                r++;
            }
            in.readerIndex(r);
        }
        try {
            while (r < w) {
                int lf = in.indexOf(r, w, (byte) '\n');
                int len = (lf < 0 ? w : lf + 1) - r;
                if (!started ? len > maxLine + 2 : fieldBytes + len > maxHead + 2) {
                    return bad(!requests ? Problem.MALFORMED : started ? Problem.HEAD_TOO_LARGE : Problem.LINE_TOO_LONG,
                            started ? "field lines over " + maxHead + " bytes" : "a start line over " + maxLine + " bytes");
                }
                if (lf < 0) {
                    return false;
                }
                int at = h.length;
                if (!started) {
                    h.begin();
                    h.append(in, r, len);
                    h.startLine();
                    started = true;
                } else {
                    h.append(in, r, len);
                    fieldBytes += len;
                    if (len == 1 || len == 2 && h.bytes[at] == '\r') {
                        in.readerIndex(lf + 1);
                        return blankLine(h, len);
                    }
                    h.fieldLine(at, at + len - 1);
                }
                r = lf + 1;
                in.readerIndex(r);
            }
        } catch (HeadException e) {
            return bad(e.problem, e.getMessage());
        }
        return false;
    }

    private boolean blankLine(Head h, int len) throws HeadException {
        started = false;
        fieldBytes = 0;
        if (len == 1) {
            throw new HeadException(Problem.MALFORMED, "a head ending in a bare LF (expected: CRLF)");
        }
        h.finish();
        ctx.fireChannelRead(h);
        if (state == State.BAD) {
            return false; // refused by the next handler, which closes
        }
        return requests ? requestBody() : responseBody();
    }

    private boolean requestBody() {
        if (request.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (request.contentLength() > 0) {
            state = State.FIXED;
            remaining = request.contentLength();
        } else {
            end();
        }
        return true;
    }

    private boolean responseBody() {
        int status = response.status();
        if (status == 101) {
            state = State.RAW;
        } else if (status < 200) {
            state = State.HEAD; // an interim answer: the final one follows
        } else if (headRequest || status == 204 || status == 304) {
            end();
        } else if (response.chunked()) {
            state = State.CHUNK_SIZE;
        } else if (response.contentLength() >= 0) {
            remaining = response.contentLength();
            state = State.FIXED;
            if (remaining == 0) {
                end();
            }
        } else {
            state = State.UNTIL_CLOSE;
        }
        return true;
    }

    private void end() {
        state = resumeAfterEnd ? State.HEAD : State.WAIT;
        resumeAfterEnd = false;
        ctx.fireChannelRead(END);
    }

    private boolean chunkSize() {
        int start = in.readerIndex();
        long size = chunks.sizeLine(in);
        if (size == Chunks.MORE) {
            return false;
        }
        if (size == Chunks.REFUSED) {
            return bad(Problem.MALFORMED, chunks.problem());
        }
        if (size == 0) {
            state = State.TRAILERS;
            return true;
        }
        int line = in.readerIndex() - start;
        if (relayChunks && in.readableBytes() >= size + 2) {
            // The whole chunk is here: pass it on with its framing, as received (one buffer, no new size line).
            int end = in.readerIndex() + (int) size;
            if (in.getByte(end) != '\r' || in.getByte(end + 1) != '\n') {
                return bad(Problem.MALFORMED, "chunk data not followed by CRLF");
            }
            in.readerIndex(start);
            framedOffset = line;
            framedLength = (int) size;
            ctx.fireChannelRead(take(line + (int) size + 2));
            framedOffset = -1;
            return true;
        }
        remaining = size;
        state = State.CHUNK_DATA;
        return true;
    }

    /** For this response, a chunk that arrives whole goes on with its framing (the next hop is chunked too). */
    public void relayChunks() {
        relayChunks = true;
    }

    /** While the buffer just passed on is a whole chunk with its framing: where its data starts in it, else -1. */
    public int framedOffset() {
        return framedOffset;
    }

    /** The data length of the framed chunk just passed on. */
    public int framedLength() {
        return framedLength;
    }

    private boolean trailers() {
        int r = chunks.trailers(in);
        if (r == Chunks.REFUSED) {
            return bad(Problem.MALFORMED, chunks.problem());
        }
        if (r == 0) {
            return false;
        }
        end();
        return true;
    }

    private boolean bad(Problem problem, String detail) {
        state = State.BAD;
        if (in != null) {
            in.skipBytes(in.readableBytes());
        }
        ctx.fireChannelRead(new Malformed(problem, detail));
        return false;
    }

    /** The next handler refused the message it was just given: read nothing more. */
    public void refuse() {
        state = State.BAD;
        if (in != null) {
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == State.UNTIL_CLOSE) {
            end(); // a body delimited by the close is complete
        }
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (in != null && in.isReadable() && state != State.BAD) {
            ByteBuf rest = in;
            in = null;
            ctx.fireChannelRead(rest); // the first bytes of a tunnel
            ctx.fireChannelReadComplete();
        }
        release();
    }

    private void release() {
        if (in != null) {
            in.release();
            in = null;
        }
    }
}
