package dev.fader.observe;

import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelAnswer;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads one answer of an OpenAI-compatible model as it is relayed: a {@code text/event-stream} of
 * {@code chat.completion.chunk} events, or one JSON body. It looks at the bytes in place (never copying,
 * retaining or changing them), on the event loop, in constant memory, and ends with a {@link ModelAnswer}.
 * Answers it cannot read are passed over and say why: not 2xx, another content type, or a compressed body.
 *
 * <p>Time to first token: from the request's arrival to the first non-empty content (or tool-call)
 * delta of a stream, or to the first body byte of a JSON answer. Time per output token: from the first
 * content delta to the last, over the output tokens after the first (streams only).
 */
public final class AnswerReader {
    private final long startNanos;
    private final AnswerFields fields = new AnswerFields();
    private final byte[] request;
    private int requestLength;
    private EventStream events;
    private ModelAnswer.Skip skip = ModelAnswer.Skip.STATUS; // until a 2xx head says otherwise
    private long firstByteNanos = -1;

    /** {@code sampleBytes}: keep up to this much of the request and of the answer text for a judge (0: none). */
    public AnswerReader(long startNanos, int sampleBytes) {
        this.startNanos = startNanos;
        this.request = sampleBytes > 0 ? new byte[sampleBytes] : null;
        if (sampleBytes > 0) {
            fields.keepText(sampleBytes);
        }
    }

    /** A part of the request body, kept (bounded) only when sampling for a judge. */
    public void request(ByteBuf part) {
        if (request != null && requestLength < request.length) {
            int n = Math.min(part.readableBytes(), request.length - requestLength);
            part.getBytes(part.readerIndex(), request, requestLength, n);
            requestLength += n;
        }
    }

    public void head(int status, String contentType, String contentEncoding) {
        if (status < 200 || status > 299) {
            skip = ModelAnswer.Skip.STATUS;
        } else if (contentEncoding != null && !contentEncoding.equalsIgnoreCase("identity")) {
            skip = ModelAnswer.Skip.COMPRESSED;
        } else if (contentType != null && startsWithIgnoreCase(contentType, "text/event-stream")) {
            skip = ModelAnswer.Skip.NONE;
            events = new EventStream(fields);
        } else if (contentType != null && isJson(contentType)) {
            skip = ModelAnswer.Skip.NONE;
        } else {
            skip = ModelAnswer.Skip.CONTENT_TYPE;
        }
    }

    public void content(ByteBuf part, long nowNanos) {
        if (skip != ModelAnswer.Skip.NONE || !part.isReadable()) {
            return;
        }
        if (firstByteNanos < 0) {
            firstByteNanos = nowNanos;
        }
        fields.now = nowNanos;
        int from = part.readerIndex();
        int to = part.writerIndex();
        if (events != null) {
            events.feed(part, from, to);
        } else {
            fields.feed(part, from, to);
        }
    }

    /** The answer is over (or was cut short): what it said. */
    public ModelAnswer finish() {
        if (skip != ModelAnswer.Skip.NONE) {
            return ModelAnswer.skipped(skip);
        }
        if (events != null) {
            events.end();
        } else if (fields.failed()) {
            return ModelAnswer.skipped(ModelAnswer.Skip.MALFORMED);
        }
        boolean stream = events != null;
        boolean estimated = fields.outputTokens < 0;
        long output = !estimated ? fields.outputTokens
                : stream ? fields.contentStrings : (fields.contentBytes + 3) / 4; // ~4 bytes a token in prose
        long ttft = stream ? since(fields.firstContentNanos) : since(firstByteNanos);
        long tpot = stream && output > 1 && fields.firstContentNanos >= 0
                ? (fields.lastContentNanos - fields.firstContentNanos) / (output - 1) : -1;
        FinishReason finish = fields.finishReason == null ? FinishReason.NONE : FinishReason.of(fields.finishReason);
        ModelAnswer.Sample sample = request == null ? null
                : new ModelAnswer.Sample(new String(request, 0, requestLength, StandardCharsets.UTF_8), fields.text());
        return new ModelAnswer(ModelAnswer.Skip.NONE, stream, ttft, tpot, fields.inputTokens, output, estimated, finish,
                stream ? events.malformed : 0, sample);
    }

    private long since(long nanos) {
        return nanos < 0 ? -1 : nanos - startNanos;
    }

    private static boolean isJson(String contentType) {
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
        return type.equals("application/json") || type.endsWith("+json");
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }
}
