package dev.fader.bench;

import dev.fader.feedback.ModelAnswer;
import dev.fader.observe.AnswerReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code observe: openai} costs per event: one answer of 100 {@code chat.completion.chunk} events
 * (about 140 bytes each, one content delta, as OpenAI writes them), each in its own direct buffer as it
 * comes off the socket, read by a fresh {@link AnswerReader}, then the usage chunk and {@code [DONE]}.
 * Reported per event; run with {@code -prof gc} for allocation per answer (the reader's fixed state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnswerReaderBenchmark {
    static final int EVENTS = 100;
    private final ByteBuf[] events = new ByteBuf[EVENTS + 1];

    @Setup(Level.Trial)
    public void setup() {
        for (int i = 0; i < EVENTS; i++) {
            events[i] = direct("data: {\"id\":\"chatcmpl-AbCdEf123\",\"object\":\"chat.completion.chunk\",\"created\":1732"
                    + "000000,\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word"
                    + i + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        events[EVENTS] = direct("data: {\"id\":\"chatcmpl-AbCdEf123\",\"object\":\"chat.completion.chunk\",\"choices\":"
                + "[],\"usage\":{\"prompt_tokens\":17,\"completion_tokens\":100,\"total_tokens\":117}}\n\ndata: [DONE]\n\n");
    }

    private static ByteBuf direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    @TearDown(Level.Trial)
    public void release() {
        for (ByteBuf b : events) {
            b.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS + 1)
    public ModelAnswer stream() {
        AnswerReader r = new AnswerReader(0, 0);
        r.head(200, "text/event-stream; charset=utf-8", null);
        for (ByteBuf e : events) {
            r.content(e, 1);
        }
        return r.finish();
    }

    /** The floor: visiting the same bytes with a processor that only counts them. */
    @Benchmark
    @OperationsPerInvocation(EVENTS + 1)
    public long visitOnly() {
        long[] n = {0};
        for (ByteBuf e : events) {
            e.forEachByte(b -> {
                n[0] += b;
                return true;
            });
        }
        return n[0];
    }
}
