package dev.fader.feedback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A variant's model answers over the window, merged: {@code ttft} and {@code tpot} hold
 * {@link LatencyHistogram} counts, {@code finish} is indexed by {@link FinishReason#ordinal()}.
 */
public record ModelWindow(long[] ttft, long[] tpot, long[] counts, long[] finish) {
    public static ModelWindow empty() {
        return new ModelWindow(new long[LatencyHistogram.SIZE], new long[LatencyHistogram.SIZE], new long[4],
                new long[FinishReason.values().length]);
    }

    public long answers() {
        return counts[0];
    }

    public long inputTokens() {
        return counts[1];
    }

    public long outputTokens() {
        return counts[2];
    }

    /** Answers whose output tokens were counted from deltas because they carried no usage. */
    public long estimated() {
        return counts[3];
    }

    public double meanOutputTokens() {
        return answers() == 0 ? 0 : (double) outputTokens() / answers();
    }

    public double ttftP50Millis() {
        return LatencyHistogram.quantileMillis(ttft, 0.50);
    }

    public double ttftP99Millis() {
        return LatencyHistogram.quantileMillis(ttft, 0.99);
    }

    public double tpotP50Millis() {
        return LatencyHistogram.quantileMillis(tpot, 0.50);
    }

    public long finished(FinishReason r) {
        return finish[r.ordinal()];
    }

    /** Counts by reason label, every reason listed. */
    public Map<String, Long> finishByLabel() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (FinishReason r : FinishReason.values()) {
            out.put(r.label(), finish[r.ordinal()]);
        }
        return out;
    }
}
