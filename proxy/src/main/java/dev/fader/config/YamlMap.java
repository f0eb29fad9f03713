package dev.fader.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML mapping read with positions: every wrong key, type or value is reported at its own
 * line and column, and reading goes on so that all errors of a file come out together.
 */
final class YamlMap {
    private final Node node;
    private final String where;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(Node node, String where, Problems problems) {
        this.node = node;
        this.where = where;
        this.problems = problems;
    }

    /** Reads {@code node} as a mapping; a node of another kind is reported and read as empty. */
    static YamlMap of(Node node, String where, Problems problems) {
        YamlMap map = new YamlMap(node, where, problems);
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode scalar)) {
                    problems.at(keyNode, map.label() + ": keys must be plain names");
                    continue;
                }
                if (map.entries.putIfAbsent(scalar.getValue(), tuple) != null) {
                    problems.at(keyNode, map.label() + ": duplicate key '" + scalar.getValue() + "'");
                }
            }
        } else if (!isNull(node)) {
            problems.at(node, map.label() + ": expected a mapping (key: value), found " + describe(node));
        }
        return map;
    }

    Node node() {
        return node;
    }

    String where() {
        return where;
    }

    /** The dotted path of a key below this mapping, as messages name it. */
    String child(String key) {
        return where.isEmpty() ? key : where + "." + key;
    }

    private String label() {
        return where.isEmpty() ? "top level" : where;
    }

    Problems problems() {
        return problems;
    }

    Set<String> keys() {
        return entries.keySet();
    }

    /** Reports each key outside {@code known}, suggesting the nearest known key for a likely typo. */
    YamlMap allow(Set<String> known) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (known.contains(e.getKey())) {
                continue;
            }
            String hint = Spelling.nearest(e.getKey(), known).map(k -> " (did you mean '" + k + "'?)").orElse("");
            problems.at(e.getValue().getKeyNode(), label() + ": unknown key '" + e.getKey() + "'" + hint
                    + "; expected one of " + String.join(", ", known.stream().sorted().toList()));
        }
        return this;
    }

    boolean has(String key) {
        return entries.containsKey(key) && !isNull(entries.get(key).getValueNode());
    }

    Optional<Node> value(String key) {
        NodeTuple t = entries.get(key);
        return t == null || isNull(t.getValueNode()) ? Optional.empty() : Optional.of(t.getValueNode());
    }

    Optional<Node> keyNode(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? Optional.empty() : Optional.of(t.getKeyNode());
    }

    Optional<String> string(String key) {
        return value(key).flatMap(n -> scalar(n, child(key)));
    }

    String required(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty() && !entries.containsKey(key)) {
            problems.at(node, label() + ": missing required key '" + key + "'");
        } else if (s.isEmpty() && isNull(entries.get(key).getValueNode())) {
            problems.at(entries.get(key).getValueNode(), child(key) + ": must not be empty");
        }
        return s.orElse(null);
    }

    Optional<YamlMap> map(String key) {
        return value(key).map(n -> YamlMap.of(n, child(key), problems));
    }

    /** A list value; a single scalar is accepted as a list of one, as operators often write. */
    List<Node> list(String key) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (v.get() instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (v.get() instanceof ScalarNode) {
            return List.of(v.get());
        }
        problems.at(v.get(), child(key) + ": expected a list, found " + describe(v.get()));
        return List.of();
    }

    List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Node n : list(key)) {
            scalar(n, child(key)).ifPresent(out::add);
        }
        return out;
    }

    /** Reads a scalar through {@code parse}, which throws IllegalArgumentException with "found / expected". */
    <T> Optional<T> parsed(String key, Function<String, T> parse) {
        Optional<Node> v = value(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return parse(v.get(), child(key), parse);
    }

    <T> Optional<T> parse(Node n, String what, Function<String, T> parse) {
        Optional<String> s = scalar(n, what);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse.apply(s.get()));
        } catch (IllegalArgumentException e) {
            problems.at(n, what + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    boolean flag(String key, boolean fallback) {
        return parsed(key, s -> switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is not a boolean (expected: true or false)");
        }).orElse(fallback);
    }

    Optional<String> scalar(Node n, String what) {
        if (n instanceof ScalarNode s) {
            return Optional.of(s.getValue());
        }
        problems.at(n, what + ": expected a single value, found " + describe(n));
        return Optional.empty();
    }

    static boolean isNull(Node n) {
        return n == null || (n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null"));
    }

    static String describe(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return n instanceof ScalarNode s ? "'" + s.getValue() + "'" : "nothing";
    }
}
