package dev.fader.config;

import java.time.Duration;

/** Reads durations the way nginx and Envoy users write them: 250ms, 2s, 5m, 1h. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String s = text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        String unit = s.substring(i).trim();
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected: a number and ms, s, m or h, e.g. 30s)");
        }
        long nanos = switch (unit) {
            case "ms" -> Math.round(n * 1e6);
            case "s" -> Math.round(n * 1e9);
            case "m" -> Math.round(n * 60e9);
            case "h" -> Math.round(n * 3600e9);
            default -> throw new IllegalArgumentException(
                    "'" + text + "' has no unit (expected: a number and ms, s, m or h, e.g. 30s)");
        };
        return Duration.ofNanos(nanos);
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
