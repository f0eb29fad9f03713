package dev.fader.config;

import java.math.BigDecimal;

/** Percentages as written ("5%", "0.25%") read exactly into basis points (1/100 of a percent). */
public final class Percent {
    public static final int ALL = 10_000;

    private Percent() {
    }

    public static int basisPoints(String text) {
        String s = text.trim();
        if (!s.endsWith("%")) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage (expected: a number and %, e.g. 5% or 0.25%)");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(s.substring(0, s.length() - 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a percentage (expected: a number and %, e.g. 5% or 0.25%)");
        }
        if (value.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("'" + text + "' has more than two decimals (expected: a multiple of 0.01%)");
        }
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is outside 0%..100%");
        }
        return value.movePointRight(2).intValueExact();
    }

    public static String format(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }
}
