package dev.fader.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelAnswer;
import dev.fader.testing.LeakCheckExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class AnswerReaderTest {
    static final String SSE = "text/event-stream; charset=utf-8";

    /** A chat completion stream as OpenAI writes it: role, content deltas, the finish, the usage chunk, [DONE]. */
    static String stream(List<String> deltas, String finish, boolean usage, String eol) {
        StringBuilder s = new StringBuilder();
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"system_fingerprint\":null,\"choices\":[";
        s.append("data: ").append(head).append("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]}").append(eol).append(eol);
        for (String d : deltas) {
            s.append("data: ").append(head).append("{\"index\":0,\"delta\":{\"content\":\"").append(d)
                    .append("\"},\"logprobs\":null,\"finish_reason\":null}]").append(usage ? ",\"usage\":null" : "")
                    .append("}").append(eol).append(eol);
        }
        if (finish != null) {
            s.append("data: ").append(head).append("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"")
                    .append(finish).append("\"}]}").append(eol).append(eol);
        }
        if (usage) {
            s.append("data: ").append(head).append("],\"usage\":{\"prompt_tokens\":17,\"completion_tokens\":")
                    .append(deltas.size()).append(",\"total_tokens\":").append(17 + deltas.size())
                    .append(",\"prompt_tokens_details\":{\"cached_tokens\":0}}}").append(eol).append(eol);
        }
        return s.append("data: [DONE]").append(eol).append(eol).toString();
    }

    /** Feeds {@code body} cut at {@code cuts}, with time = the offset of each piece's first byte. */
    static ModelAnswer read(String contentType, String body, int[] cuts, int sampleBytes) {
        return read(contentType, body, cuts, sampleBytes, false);
    }

    /** {@code heap}: pieces in heap buffers (read byte by byte) rather than direct ones (read at their address). */
    static ModelAnswer read(String contentType, String body, int[] cuts, int sampleBytes, boolean heap) {
        AnswerReader r = new AnswerReader(0, sampleBytes);
        r.head(200, contentType, null);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            ByteBuf part = heap ? PooledByteBufAllocator.DEFAULT.heapBuffer(to - from + 8)
                    : PooledByteBufAllocator.DEFAULT.directBuffer(to - from + 8);
            part.writeBytes(new byte[3]).skipBytes(3); // a reader index that is not zero
            part.writeBytes(bytes, from, to - from);
            try {
                r.content(part, from);
                assertThat(part.readerIndex()).as("the reader never moves the client's bytes").isEqualTo(3);
            } finally {
                part.release();
            }
            from = to;
        }
        return r.finish();
    }

    static ModelAnswer whole(String contentType, String body) {
        return read(contentType, body, new int[0], 0);
    }

    @Test
    void aStreamGivesFinishTokensAndTimesFromUsage() {
        String body = stream(List.of("Hel", "lo", " wor", "ld"), "stop", true, "\n");
        ModelAnswer a = whole(SSE, body);
        assertThat(a.read()).isTrue();
        assertThat(a.stream()).isTrue();
        assertThat(a.finish()).isEqualTo(FinishReason.STOP);
        assertThat(a.inputTokens()).isEqualTo(17);
        assertThat(a.outputTokens()).isEqualTo(4);
        assertThat(a.estimated()).isFalse();
        assertThat(a.malformedEvents()).isZero();
        assertThat(a.ttftNanos()).isZero(); // one piece, stamped with its offset 0
    }

    @Test
    void withoutUsageTheDeltasAreCountedAndMarkedEstimated() {
        ModelAnswer a = whole(SSE, stream(List.of("a", "b", "c"), "length", false, "\r\n"));
        assertThat(a.outputTokens()).isEqualTo(3);
        assertThat(a.estimated()).isTrue();
        assertThat(a.inputTokens()).isEqualTo(-1);
        assertThat(a.finish()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void everyCutGivesTheSameAnswerAndTheFirstTokenIsStampedWhereItsByteArrived() {
        String body = stream(List.of("Hi", "\\u00e9t\\u00e9 \\ud83d\\ude00", " \\\"q\\\"", "."), "content_filter",
                true, "\r\n");
        ModelAnswer expected = whole(SSE, body);
        int firstContent = body.indexOf("\"content\":\"Hi\"") + "\"content\":\"".length();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            ModelAnswer a = read(SSE, body, new int[] {cut}, 0);
            assertThat(a).as("cut at %d", cut).usingRecursiveComparison().ignoringFields("ttftNanos", "tpotNanos")
                    .isEqualTo(expected);
            assertThat(a.ttftNanos()).as("cut at %d", cut).isEqualTo(cut <= firstContent ? cut : 0);
        }
        Random random = new Random(42);
        for (int run = 0; run < 300; run++) {
            int[] cuts = random.ints(1 + random.nextInt(40), 1, bytes.length).sorted().distinct().toArray();
            assertThat(read(SSE, body, cuts, 0, run % 2 == 0)).as("run %d", run).usingRecursiveComparison()
                    .ignoringFields("ttftNanos", "tpotNanos").isEqualTo(expected);
        }
    }

    @Test
    void keptTextIsTheDecodedContentBounded() {
        String body = stream(List.of("\\u00e9t\\u00e9", " \\ud83d\\ude00", "\\n\\\"ok\\\""), "stop", false, "\n");
        ModelAnswer a = read(SSE, body, new int[] {40, 41, 200}, 4096);
        assertThat(a.sample().answer()).isEqualTo("été 😀\n\"ok\"");
        assertThat(read(SSE, body, new int[] {40, 41, 200}, 4096, true).sample().answer()).isEqualTo("été 😀\n\"ok\"");
        assertThat(read(SSE, body, new int[0], 3).sample().answer()).isEqualTo("ét");
    }

    @Test
    void toolCallArgumentsCountAsOutput() {
        String chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"%s\"}}]},"
                + "\"finish_reason\":null}]}\n\n";
        String body = String.format(chunk, "") + String.format(chunk, "{\\\"city\\\":") + String.format(chunk, "\\\"Oslo\\\"}")
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n";
        ModelAnswer a = read(SSE, body, new int[0], 100);
        assertThat(a.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(a.outputTokens()).isEqualTo(2);
        assertThat(a.sample().answer()).isEqualTo("{\"city\":\"Oslo\"}");
    }

    @Test
    void aJsonAnswerGivesItsFinishAndUsageAtAnyCut() {
        String body = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"I cannot help with that.\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":\"content_filter\"}],\"usage\":{\"prompt_tokens\":9,"
                + "\"completion_tokens\":6,\"total_tokens\":15}}";
        for (int cut = 1; cut < body.length(); cut++) {
            ModelAnswer a = read("application/json", body, new int[] {cut}, 0);
            assertThat(a.stream()).isFalse();
            assertThat(a.finish()).isEqualTo(FinishReason.CONTENT_FILTER);
            assertThat(a.inputTokens()).isEqualTo(9);
            assertThat(a.outputTokens()).isEqualTo(6);
            assertThat(a.ttftNanos()).as("to the first body byte").isZero();
        }
        ModelAnswer estimated = whole("application/json; charset=utf-8",
                "{\"choices\":[{\"message\":{\"content\":\"12345678\"},\"finish_reason\":\"stop\"}]}");
        assertThat(estimated.outputTokens()).isEqualTo(2);
        assertThat(estimated.estimated()).isTrue();
    }

    @Test
    void garbageCutShortAndOtherAnswersArePassedOverOrEndWithoutAFinish() {
        assertThat(whole("application/json", "<html>oops</html>").skipped()).isEqualTo(ModelAnswer.Skip.MALFORMED);
        ModelAnswer mixed = whole(SSE, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n: keep-alive\n\n"
                + "data: not json\n\nevent: x\ndata: {\"choices\":[{\"delta\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}]}\n\n");
        assertThat(mixed.malformedEvents()).isEqualTo(1);
        assertThat(mixed.outputTokens()).isEqualTo(2);
        assertThat(mixed.finish()).isEqualTo(FinishReason.STOP);
        String full = stream(List.of("one", "two", "three"), "stop", true, "\n");
        ModelAnswer cut = whole(SSE, full.substring(0, full.indexOf("three") + 2));
        assertThat(cut.finish()).as("a stream cut short ends without a finish").isEqualTo(FinishReason.NONE);
        assertThat(cut.outputTokens()).isEqualTo(3);
        assertThat(cut.estimated()).isTrue();

        AnswerReader notOk = new AnswerReader(0, 0);
        notOk.head(500, "application/json", null);
        assertThat(notOk.finish().skipped()).isEqualTo(ModelAnswer.Skip.STATUS);
        AnswerReader gzip = new AnswerReader(0, 0);
        gzip.head(200, SSE, "gzip");
        assertThat(gzip.finish().skipped()).isEqualTo(ModelAnswer.Skip.COMPRESSED);
        AnswerReader html = new AnswerReader(0, 0);
        html.head(200, "text/html", null);
        assertThat(html.finish().skipped()).isEqualTo(ModelAnswer.Skip.CONTENT_TYPE);
    }

    @Test
    void deepOrHugeValuesAreSkippedInConstantState() {
        StringBuilder deep = new StringBuilder("{\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"n\":");
        deep.append("[".repeat(AnswerFields.MAX_DEPTH)).append("]".repeat(AnswerFields.MAX_DEPTH)).append("}");
        assertThat(whole("application/json", deep.toString()).skipped()).isEqualTo(ModelAnswer.Skip.MALFORMED);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add("t" + i);
        }
        String longKey = "{\"" + "k".repeat(10_000) + "\":1,\"choices\":[{\"message\":{\"content\":\"" + "y".repeat(100_000)
                + "\"},\"finish_reason\":\"length\"}]}";
        ModelAnswer a = whole("application/json", longKey);
        assertThat(a.finish()).isEqualTo(FinishReason.LENGTH);
        assertThat(a.outputTokens()).isEqualTo(25_000);
        assertThat(whole(SSE, stream(many, "stop", false, "\n")).outputTokens()).isEqualTo(5000);
    }
}
