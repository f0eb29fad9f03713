package dev.fader.feedback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample-ratio check of one layer: distinct users seen per variant against the configured shares,
 * each by a two-sided exact binomial test. A mismatch (p below 0.001, the usual SRM threshold) means
 * the split or the key extraction is broken, not the canary.
 */
public record SampleRatio(String layer, Map<String, Long> users, Map<String, Integer> sharesBasisPoints,
        double pValue, boolean mismatch) {

    public static final double THRESHOLD = 0.001;

    public static SampleRatio test(String layer, Map<String, Long> users, Map<String, Integer> shares, long minUsers) {
        long total = users.values().stream().mapToLong(Long::longValue).sum();
        double minP = 1;
        for (Map.Entry<String, Integer> e : shares.entrySet()) {
            double p = e.getValue() / 10_000.0;
            long k = users.getOrDefault(e.getKey(), 0L);
            double twoSided;
            if (p <= 0 || p >= 1) {
                twoSided = (p <= 0 ? k == 0 : k == total) ? 1 : 0;
            } else {
                double upper = Binomial.upperTail(total, p, k);
                double lower = 1 - Binomial.upperTail(total, p, k + 1);
                twoSided = Math.min(1, 2 * Math.min(upper, lower));
            }
            minP = Math.min(minP, twoSided);
        }
        boolean mismatch = total >= minUsers && minP < THRESHOLD;
        return new SampleRatio(layer, new LinkedHashMap<>(users), new LinkedHashMap<>(shares), minP, mismatch);
    }
}
