package dev.fader.config;

import java.util.regex.Pattern;

/**
 * The syntax of every name a rollout file defines (rollouts, layers, variants, upstreams): names travel into
 * header values, metric labels, URLs and state file names, so a CR, LF, slash or space in one would split a
 * header, a path or a file name. A name that passes is safe in all of them as it is.
 */
final class Names {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Names() {
    }

    /** Null when {@code name} is well formed, else what is wrong with it. */
    static String problem(String what, String name) {
        if (NAME.matcher(name).matches()) {
            return null;
        }
        return what + " '" + printable(name) + "' is not a valid name (expected: 1 to 64 of A-Z a-z 0-9 . _ -,"
                + " starting with a letter or digit)";
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
