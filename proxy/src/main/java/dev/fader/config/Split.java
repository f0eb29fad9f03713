package dev.fader.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shares of non-baseline variants in basis points, in written order; the baseline takes the rest. */
public record Split(Map<String, Integer> shares) {
    public Split {
        shares = Collections.unmodifiableMap(new LinkedHashMap<>(shares));
    }

    public int total() {
        return shares.values().stream().mapToInt(Integer::intValue).sum();
    }
}
