package dev.fader.config;

import java.util.List;

/** A layer's {@code when}: an attribute of the request (header, cookie, query) tested by one operator. */
public record Condition(KeySource source, Op op, List<String> values) {

    public enum Op { IN, EQUALS, PREFIX, REGEX }

    public Condition {
        values = List.copyOf(values);
    }
}
