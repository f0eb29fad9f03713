package dev.fader.admin;

import dev.fader.admin.AdminHandler.Reply;
import dev.fader.feedback.AnswerLedger;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.JsonWriter;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.SyntheticRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code POST /feedback}: about one answer, {@code {"requestId", "label", "score"?, "comment"?}} (counted on
 * the variant that served it; 404 when the id is unknown or older than the feedback window), or about a
 * user, {@code {"rollout", "user", "label", "score"?}} (counted on the variant that user gets now).
 */
final class FeedbackEndpoint {
    /** Comments longer than this are cut: the event log is for reading, not for storage. */
    static final int MAX_COMMENT = 1000;

    private FeedbackEndpoint() {
    }

    static Reply handle(AdminApi api, String body) {
        Object parsed;
        try {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(body); // JSON is YAML
        } catch (RuntimeException e) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST,
                    "expected a JSON object {\"requestId\", \"label\"} or {\"rollout\", \"user\", \"label\"}");
        }
        Object label = m.get("label");
        Object score = m.get("score");
        Object comment = m.get("comment");
        if (!"positive".equals(label) && !"negative".equals(label)) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"label\" is " + label + " (expected: \"positive\" or \"negative\")");
        }
        if (score != null && !(score instanceof Number)) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"score\" is " + score + " (expected: a number)");
        }
        if (comment != null && !(comment instanceof String)) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"comment\" must be a string");
        }
        boolean positive = "positive".equals(label);
        Double value = score == null ? null : ((Number) score).doubleValue();
        String note = comment == null ? null : cut((String) comment);
        long now = System.currentTimeMillis();
        Object requestId = m.get("requestId");
        if (requestId != null) {
            if (!(requestId instanceof String id) || id.isEmpty()) {
                return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"requestId\" must be a non-empty string");
            }
            AnswerLedger.Entry e = api.answer(id);
            if (e == null) {
                return Reply.text(HttpResponseStatus.NOT_FOUND, "no answer with requestId '" + id + "' within the feedback"
                        + " window (expected: the X-Request-Id of an answer of a rollout with observe: openai)");
            }
            api.feedback(new Feedback(now, e.rollout(), e.variant(), e.layer(), e.keyed(), e.keyHash(), positive, value,
                    "answer", id, note));
            return accepted(e.rollout(), e.variant(), e.layer());
        }
        Object rolloutName = m.get("rollout");
        Object user = m.get("user");
        if (!(rolloutName instanceof String) || !(user instanceof String) || ((String) user).isEmpty()) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST,
                    "expected \"requestId\", or \"rollout\" and \"user\" as non-empty strings");
        }
        CompiledRollout rollout = api.table().rollout((String) rolloutName);
        if (rollout == null) {
            return Reply.text(HttpResponseStatus.NOT_FOUND, "unknown rollout '" + rolloutName + "'");
        }
        RouteDecision d = rollout.decide(SyntheticRequest.forUser(rollout, (String) user));
        api.feedback(new Feedback(now, rollout.name(), d.variant(), d.layer(), d.bucket() >= 0, d.keyHash(), positive,
                value, "user", null, note));
        return accepted(rollout.name(), d.variant(), d.layer());
    }

    private static Reply accepted(String rollout, String variant, String layer) {
        return Reply.json(HttpResponseStatus.ACCEPTED, new JsonWriter().beginObject().field("rollout", rollout)
                .field("variant", variant).field("layer", layer).endObject().toString());
    }

    private static String cut(String comment) {
        if (comment.length() <= MAX_COMMENT) {
            return comment;
        }
        int end = Character.isHighSurrogate(comment.charAt(MAX_COMMENT - 1)) ? MAX_COMMENT - 1 : MAX_COMMENT;
        return comment.substring(0, end) + "…";
    }
}
