package dev.fader.shadow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where two JSON answers differ, as JSON pointers (RFC 6901): a field present on one side only
 * ({@code missing} in the second, {@code extra} in it), of another type, or of another value; arrays by
 * index; pointers listed in {@code ignore} (and everything under them) are never compared. One
 * difference per pointer, deepest first where a value differs, so the same field counts the same way
 * in every answer.
 */
final class JsonDiff {
    enum Kind { MISSING, EXTRA, TYPE, VALUE }

    /** One differing field. */
    record Difference(String pointer, Kind kind) {
    }

    private JsonDiff() {
    }

    static void diff(JsonNode a, JsonNode b, Set<String> ignore, List<Difference> out) {
        walk("", a, b, ignore, out);
    }

    private static void walk(String at, JsonNode a, JsonNode b, Set<String> ignore, List<Difference> out) {
        if (ignore.contains(at)) {
            return;
        }
        if (a.getNodeType() != b.getNodeType()) {
            boolean bothNumbers = a.isNumber() && b.isNumber();
            if (!bothNumbers) {
                out.add(new Difference(at.isEmpty() ? "/" : at, Kind.TYPE));
                return;
            }
        }
        if (a.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = at + "/" + escape(name);
                JsonNode x = a.get(name);
                JsonNode y = b.get(name);
                if (ignore.contains(child)) {
                    continue;
                }
                if (y == null) {
                    out.add(new Difference(child, Kind.MISSING));
                } else if (x == null) {
                    out.add(new Difference(child, Kind.EXTRA));
                } else {
                    walk(child, x, y, ignore, out);
                }
            }
        } else if (a.isArray()) {
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                String child = at + "/" + i;
                if (ignore.contains(child)) {
                    continue;
                }
                if (i >= b.size()) {
                    out.add(new Difference(child, Kind.MISSING));
                } else if (i >= a.size()) {
                    out.add(new Difference(child, Kind.EXTRA));
                } else {
                    walk(child, a.get(i), b.get(i), ignore, out);
                }
            }
        } else if (a.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) != 0 : !a.equals(b)) {
            out.add(new Difference(at.isEmpty() ? "/" : at, Kind.VALUE));
        }
    }

    /** RFC 6901: "~" is written "~0" and "/" is written "~1". */
    static String escape(String name) {
        return name.indexOf('~') < 0 && name.indexOf('/') < 0 ? name : name.replace("~", "~0").replace("/", "~1");
    }
}
