package dev.fader.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Answers made comparable: a stream assembled into the shape of a JSON answer, so the two compare alike. */
@ExtendWith(LeakCheckExtension.class)
class ShadowAnswerTest {
    static byte[] stream(String... deltas) {
        StringBuilder s = new StringBuilder();
        for (String d : deltas) {
            s.append("data: {\"id\":\"x").append(System.nanoTime()).append("\",\"choices\":[{\"index\":0,\"delta\":")
                    .append("{\"content\":\"").append(d).append("\"},\"finish_reason\":null}]}\n\n");
        }
        s.append("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static List<String> diff(ShadowAnswer a, ShadowAnswer b) {
        List<JsonDiff.Difference> out = new ArrayList<>();
        JsonDiff.diff(a.body(), b.body(), Set.of(), out);
        return out.stream().map(JsonDiff.Difference::pointer).toList();
    }

    @Test
    void aStreamIsAssembledIntoItsContentAndFinishAndComparesWithAJsonAnswer() {
        ShadowAnswer streamed = ShadowAnswer.of(200, "text/event-stream; charset=utf-8", stream("Hel", "lo", " there"));
        assertThat(streamed.contentType()).isEqualTo("text/event-stream");
        assertThat(streamed.body().at("/choices/0/message/content").asText()).isEqualTo("Hello there");
        assertThat(streamed.body().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        ShadowAnswer json = ShadowAnswer.of(200, "application/json", ("{\"choices\":[{\"message\":{\"content\":\"Hello"
                + " there\"},\"finish_reason\":\"stop\"}]}").getBytes(StandardCharsets.UTF_8));
        assertThat(diff(streamed, json)).containsExactly("/choices/0/finish_reason");
        assertThat(diff(streamed, ShadowAnswer.of(200, "text/event-stream", stream("Hello", " there")))).isEmpty();
    }

    @Test
    void otherBodiesAreOneTextValue() {
        ShadowAnswer a = ShadowAnswer.of(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
        ShadowAnswer b = ShadowAnswer.of(200, "application/json", "not json".getBytes(StandardCharsets.UTF_8));
        assertThat(a.body().asText()).isEqualTo("ok");
        assertThat(diff(a, b)).containsExactly("/");
    }
}
