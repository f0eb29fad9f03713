package dev.fader.feedback;

/**
 * What a model said, read from an OpenAI-compatible answer as it passed (rollouts with
 * {@code observe: openai}). Times are nanoseconds from the request's arrival, -1 when unknown;
 * {@code inputTokens} is -1 when the answer carried no {@code usage}; {@code estimated}: the output
 * tokens were counted from the stream's deltas (or the content's length) because {@code usage} was
 * absent. {@code skipped} says why an answer was not read at all ({@link Skip#NONE} when it was);
 * {@code sample} is the bounded request and answer text kept for a judge, or null.
 */
public record ModelAnswer(Skip skipped, boolean stream, long ttftNanos, long tpotNanos, long inputTokens,
        long outputTokens, boolean estimated, FinishReason finish, int malformedEvents, Sample sample) {

    /** Why an answer was passed over: it is relayed all the same, only not read. */
    public enum Skip {
        NONE("none"), STATUS("status"), CONTENT_TYPE("content_type"), COMPRESSED("compressed"), MALFORMED("malformed");

        private final String label;

        Skip(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The request body and the assembled answer text (content, tool-call arguments), each bounded. */
    public record Sample(String request, String answer) {
    }

    public static ModelAnswer skipped(Skip why) {
        return new ModelAnswer(why, false, -1, -1, -1, 0, false, FinishReason.NONE, 0, null);
    }

    public boolean read() {
        return skipped == Skip.NONE;
    }
}
