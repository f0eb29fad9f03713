package dev.fader.config;

/** Reads byte sizes as nginx users write them, 512, 16k, 10m, 1g, or as 16KiB, 1MiB, 1GB (all binary multiples). */
public final class Sizes {
    private Sizes() {
    }

    public static long parse(String text) {
        String s = text.trim().toLowerCase();
        long unit = 1;
        if (s.endsWith("kib") || s.endsWith("mib") || s.endsWith("gib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("kb") || s.endsWith("mb") || s.endsWith("gb")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.endsWith("k")) {
            unit = 1024;
        } else if (s.endsWith("m")) {
            unit = 1024 * 1024;
        } else if (s.endsWith("g")) {
            unit = 1024L * 1024 * 1024;
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(digits.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected: bytes, or a number and k, m or g, e.g. 16k or 1MiB)");
        }
    }
}
