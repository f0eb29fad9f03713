package dev.fader.feedback;

/**
 * A minimal streaming JSON writer (objects, arrays, strings, numbers, booleans, null) for the access log
 * and the admin API; commas are placed by tracking whether the current container is still empty.
 */
public final class JsonWriter {
    private final StringBuilder out;
    private boolean first = true;

    public JsonWriter() {
        this(new StringBuilder(256));
    }

    public JsonWriter(StringBuilder out) {
        this.out = out;
    }

    public JsonWriter beginObject() {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    public JsonWriter endObject() {
        out.append('}');
        first = false;
        return this;
    }

    public JsonWriter beginArray() {
        comma();
        out.append('[');
        first = true;
        return this;
    }

    public JsonWriter endArray() {
        out.append(']');
        first = false;
        return this;
    }

    /** A key inside an object; the next value call writes its value. */
    public JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        first = true; // the value that follows takes no comma
        return this;
    }

    public JsonWriter value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        first = false;
        return this;
    }

    public JsonWriter value(long n) {
        comma();
        out.append(n);
        first = false;
        return this;
    }

    public JsonWriter value(double d) {
        comma();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else {
            out.append(d);
        }
        first = false;
        return this;
    }

    public JsonWriter value(boolean b) {
        comma();
        out.append(b);
        first = false;
        return this;
    }

    public JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, double v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void comma() {
        if (!first) {
            out.append(',');
        }
        first = false;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
