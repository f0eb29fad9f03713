package dev.fader.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fader.admin.AdminHandler.Reply;
import dev.fader.feedback.AnswerLedger;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.JsonWriter;
import dev.fader.feedback.SeenUsers;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.UserTags;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /feedback}: about one answer, {@code {"answerId", "label", "score"?, "comment"?}} ({@code
 * requestId} is an alias, matched against answer ids only), counted on the variant that served it; or about
 * a user, {@code {"rollout", "user", "label", "score"?}}, counted on the variant that last served that user.
 * Both count only for what this instance served within the feedback window (404 otherwise): the evidence of a
 * rollout cannot be forged for answers or users that never were. The body is strict JSON (no duplicate keys,
 * bounded depth); the reply names the variant only to a caller holding a token.
 */
final class FeedbackEndpoint {
    /** Comments longer than this are cut: the event log is for reading, not for storage. */
    static final int MAX_COMMENT = 1000;
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private FeedbackEndpoint() {
    }

    static Reply handle(AdminApi api, String body, boolean holdsToken) {
        JsonNode m;
        try {
            m = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "body is not JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (m == null || !m.isObject()) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST,
                    "expected a JSON object {\"answerId\", \"label\"} or {\"rollout\", \"user\", \"label\"}");
        }
        JsonNode label = m.get("label");
        JsonNode score = m.get("score");
        JsonNode comment = m.get("comment");
        if (label == null || !label.isTextual() || !(label.asText().equals("positive") || label.asText().equals("negative"))) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"label\" is " + (label == null ? "missing" : cut(label.toString(), 40))
                    + " (expected: \"positive\" or \"negative\")");
        }
        if (score != null && !score.isNull() && !(score.isNumber() && Double.isFinite(score.asDouble()))) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"score\" is " + cut(score.toString(), 40) + " (expected: a number)");
        }
        if (comment != null && !comment.isNull() && !comment.isTextual()) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"comment\" must be a string");
        }
        boolean positive = label.asText().equals("positive");
        Double value = score == null || score.isNull() ? null : score.asDouble();
        String note = comment == null || comment.isNull() ? null : cut(comment.asText(), MAX_COMMENT);
        long now = System.currentTimeMillis();
        JsonNode answerId = m.has("answerId") ? m.get("answerId") : m.get("requestId");
        if (answerId != null) {
            if (!answerId.isTextual() || answerId.asText().isEmpty()) {
                return Reply.text(HttpResponseStatus.BAD_REQUEST, "\"answerId\" must be a non-empty string");
            }
            String id = answerId.asText();
            AnswerLedger.Entry e = api.answer(id);
            if (e == null) {
                return Reply.text(HttpResponseStatus.NOT_FOUND, "no answer with id '" + cut(id, 64) + "' within the"
                        + " feedback window (expected: the X-Fader-Answer-Id of an answer of a rollout with observe: openai)");
            }
            api.feedback(new Feedback(now, e.rollout(), e.variant(), e.layer(), e.keyed(), e.keyHash(), positive, value,
                    "answer", id, note));
            return accepted(e.rollout(), e.variant(), e.layer(), holdsToken);
        }
        JsonNode rolloutName = m.get("rollout");
        JsonNode user = m.get("user");
        if (rolloutName == null || !rolloutName.isTextual() || user == null || !user.isTextual() || user.asText().isEmpty()) {
            return Reply.text(HttpResponseStatus.BAD_REQUEST,
                    "expected \"answerId\", or \"rollout\" and \"user\" as non-empty strings");
        }
        CompiledRollout rollout = api.table().rollout(rolloutName.asText());
        if (rollout == null) {
            return Reply.text(HttpResponseStatus.NOT_FOUND, "unknown rollout '" + cut(rolloutName.asText(), 64) + "'");
        }
        String key = user.asText();
        int keyHash = rollout.keyHashOf(key);
        SeenUsers.Entry seen = api.seenUser(rollout.name(), keyHash, UserTags.of(key));
        if (seen == null) {
            return Reply.text(HttpResponseStatus.NOT_FOUND, "that user made no request in rollout '" + rollout.name()
                    + "' within the feedback window on this instance (expected: feedback from the app's backend for a"
                    + " user it served; in a fleet, to the instance that served it)");
        }
        api.feedback(new Feedback(now, rollout.name(), seen.variant(), seen.layer(), true, keyHash, positive, value,
                "user", null, note));
        return accepted(rollout.name(), seen.variant(), seen.layer(), holdsToken);
    }

    private static Reply accepted(String rollout, String variant, String layer, boolean holdsToken) {
        JsonWriter w = new JsonWriter().beginObject().field("rollout", rollout).field("accepted", true);
        if (holdsToken) { // an open port must not tell anyone which variant a user or an answer is on
            w.field("variant", variant).field("layer", layer);
        }
        return Reply.json(HttpResponseStatus.ACCEPTED, w.endObject().toString());
    }

    private static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…";
    }
}
