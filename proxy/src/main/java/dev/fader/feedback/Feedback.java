package dev.fader.feedback;

/**
 * One accepted piece of feedback, already tied to the variant that served the user or the answer:
 * {@code layer} and {@code keyHash} (when {@code keyed}) say where that user was routed, so only feedback
 * from the random split is judged, one bad one per user and period. {@code source}: {@code user} (by user
 * key), {@code answer} (by answer id) or {@code judge}. {@code answerId}, {@code score} and
 * {@code comment} may be null. Never holds the raw user key.
 */
public record Feedback(long atMillis, String rollout, String variant, String layer, boolean keyed, int keyHash,
        boolean positive, Double score, String source, String answerId, String comment) {
}
