package dev.fader.routing;

import dev.fader.config.Condition;
import dev.fader.config.KeySource;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A compiled {@code when}: reads one attribute and tests it; an absent attribute never matches. */
final class AttributeMatcher {
    private final KeySource source;
    private final AsciiString name;
    private final Condition.Op op;
    private final Set<String> exact;
    private final List<String> prefixes;
    private final List<Pattern> patterns;

    AttributeMatcher(Condition c) {
        this.source = c.source();
        this.name = new AsciiString(c.source().name());
        this.op = c.op();
        this.exact = Set.copyOf(c.values());
        this.prefixes = List.copyOf(c.values());
        this.patterns = op == Condition.Op.REGEX ? c.values().stream().map(Pattern::compile).toList() : List.of();
    }

    boolean test(RequestView request) {
        String value = Attributes.read(request, source, name);
        if (value == null) {
            return false;
        }
        switch (op) {
            case IN:
            case EQUALS:
                return exact.contains(value);
            case PREFIX:
                for (String p : prefixes) {
                    if (value.startsWith(p)) {
                        return true;
                    }
                }
                return false;
            case REGEX:
                for (Pattern p : patterns) {
                    if (p.matcher(value).matches()) {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    @Override
    public String toString() {
        return source + " " + op.name().toLowerCase() + " " + exact;
    }
}
