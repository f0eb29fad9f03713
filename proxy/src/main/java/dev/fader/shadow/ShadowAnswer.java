package dev.fader.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fader.feedback.ModelAnswer;
import dev.fader.observe.AnswerReader;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One answer made comparable: its status and content type, and its body as a JSON tree. A JSON body is
 * parsed; an OpenAI event stream is assembled first (by the same reader that observes live answers) into
 * {@code {"choices": [{"message": {"content": ...}, "finish_reason": ...}]}}, the shape of a JSON answer,
 * so a stream and a plain answer compare field by field; any other body is one text value.
 */
record ShadowAnswer(int status, String contentType, JsonNode body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ShadowAnswer of(int status, String contentType, byte[] body) {
        String type = contentType == null ? "" : contentType.toLowerCase();
        if (type.startsWith("text/event-stream")) {
            return new ShadowAnswer(status, baseType(type), assembled(status, contentType, body));
        }
        if (type.contains("json") && body.length > 0) {
            try {
                return new ShadowAnswer(status, baseType(type), JSON.readTree(body));
            } catch (IOException e) {
                // not JSON after all: compared as text below
            }
        }
        return new ShadowAnswer(status, baseType(type), JsonNodeFactory.instance.textNode(
                new String(body, StandardCharsets.UTF_8)));
    }

    private static JsonNode assembled(int status, String contentType, byte[] body) {
        AnswerReader r = new AnswerReader(0, Math.max(1, body.length));
        r.head(status, contentType, null);
        var buf = Unpooled.wrappedBuffer(body);
        r.content(buf, 0);
        ModelAnswer a = r.finish();
        ObjectNode choice = JsonNodeFactory.instance.objectNode();
        choice.putObject("message").put("content", a.sample() == null ? "" : a.sample().answer());
        choice.put("finish_reason", a.finish().label());
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putArray("choices").add(choice);
        return root;
    }

    /** The media type without parameters: a charset spelled differently is not a difference. */
    private static String baseType(String type) {
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim();
    }
}
