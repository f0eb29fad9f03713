package dev.fader.feedback;

import java.io.IOException;
import java.time.Instant;

/**
 * The feedback event log: one JSON line per accepted feedback ({@code "event": "feedback"}, the rollout,
 * variant and layer it was counted on, label, score, comment, source, request id), written off the event
 * loop like the access log, to {@code feedback.events} (stdout by default). Never the raw user key.
 */
public final class FeedbackEvents implements AutoCloseable {
    private final LineWriter<Feedback> out;

    private FeedbackEvents(LineWriter<Feedback> out) {
        this.out = out;
    }

    /** {@code target}: null or "stdout", "off" (returns an instance that writes nothing), or a file appended to. */
    public static FeedbackEvents open(String target) throws IOException {
        return new FeedbackEvents(LineWriter.open(target, "feedback.events", "fader-feedback-events", FeedbackEvents::line));
    }

    /** Lines lost: the queue was full, or the disk refused them. */
    public long dropped() {
        return out == null ? 0 : out.dropped();
    }

    public void add(Feedback f) {
        if (out != null) {
            out.add(f);
        }
    }

    static String line(Feedback f) {
        JsonWriter w = new JsonWriter().beginObject()
                .field("ts", Instant.ofEpochMilli(f.atMillis()).toString())
                .field("event", "feedback")
                .field("source", f.source())
                .field("rollout", f.rollout())
                .field("variant", f.variant())
                .field("layer", f.layer())
                .field("label", f.positive() ? "positive" : "negative");
        if (f.answerId() != null) {
            w.field("answerId", f.answerId());
        }
        if (f.score() != null) {
            w.field("score", f.score());
        }
        if (f.comment() != null) {
            w.field("comment", f.comment());
        }
        return w.endObject().toString();
    }

    @Override
    public void close() {
        if (out != null) {
            out.close();
        }
    }
}
