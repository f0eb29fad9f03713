package dev.fader.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the {@code rollouts:} list and checks every name a rollout refers to. */
final class RolloutReader {
    private static final Set<String> ROLLOUT_KEYS = Set.of("name", "match", "baseline", "variants", "user-key", "salt",
            "anonymous", "explain", "layers", "split", "progressive", "revision", "observe", "judge", "shadow");
    private static final Set<String> LAYER_KEYS = Set.of("name", "force", "when", "users", "users-file", "split");
    private static final Set<String> WHEN_KEYS = Set.of("header", "cookie", "query", "in", "equals", "prefix", "regex");
    static final String CATCH_ALL = "everyone";

    private final Path file;
    private final Set<String> upstreams;
    private final Problems problems;

    RolloutReader(Path file, Set<String> upstreams, Problems problems) {
        this.file = file;
        this.upstreams = upstreams;
        this.problems = problems;
    }

    List<RolloutConfig> readAll(YamlMap top) {
        List<RolloutConfig> out = new ArrayList<>();
        if (!top.has("rollouts")) {
            // Without rollouts every request goes to the first pool: a plain reverse proxy.
            String first = upstreams.stream().findFirst().orElse(null);
            if (first != null) {
                out.add(new RolloutConfig("default", null, "/", first, Map.of(first, first),
                        List.of(new KeySource(KeySource.Kind.HEADER, "X-User-Id")), "default",
                        RolloutConfig.Anonymous.BASELINE, false, List.of(), null, null, false, null, null));
            }
            return out;
        }
        Set<String> names = new HashSet<>();
        int i = 0;
        for (Node n : top.list("rollouts")) {
            YamlMap r = YamlMap.of(n, "rollouts[" + i++ + "]", problems).allow(ROLLOUT_KEYS);
            RolloutConfig rollout = read(r);
            if (rollout != null && !names.add(rollout.name())) {
                problems.at(r.value("name").orElse(n), "rollouts: duplicate rollout name '" + rollout.name() + "'");
            }
            if (rollout != null) {
                out.add(rollout);
            }
        }
        if (out.isEmpty() && problems.isEmpty()) {
            problems.at(top.value("rollouts").orElse(top.node()), "rollouts: empty list (expected: at least one rollout)");
        }
        return out;
    }

    private RolloutConfig read(YamlMap r) {
        String name = r.required("name");
        checkName(r.value("name").orElse(r.node()), "rollout", name);
        String where = name == null ? r.where() : "rollout '" + name + "'";
        String host = null;
        String pathPrefix = "/";
        if (r.has("match")) {
            YamlMap m = r.map("match").orElseThrow().allow(Set.of("host", "path-prefix"));
            host = m.string("host").map(String::toLowerCase).orElse(null);
            pathPrefix = m.parsed("path-prefix", s -> {
                if (!s.startsWith("/") || s.indexOf('?') >= 0) {
                    throw new IllegalArgumentException("'" + s + "' is not a path prefix (expected: a path such as /api, without ?)");
                }
                return s;
            }).orElse("/");
        }
        Map<String, String> variants = readVariants(r, where);
        String baseline = r.required("baseline");
        if (baseline != null && !variants.containsKey(baseline)) {
            problems.at(r.value("baseline").orElseThrow(), where + ": baseline '" + baseline
                    + "' is not a variant" + known(variants.keySet()));
        }
        List<KeySource> userKey = new ArrayList<>();
        for (Node n : r.list("user-key")) {
            r.parse(n, where + ".user-key", KeySource::parse).ifPresent(userKey::add);
        }
        if (userKey.isEmpty()) {
            userKey.add(new KeySource(KeySource.Kind.HEADER, "X-User-Id"));
        }
        RolloutConfig.Anonymous anonymous = r.parsed("anonymous", s -> switch (s) {
            case "cookie" -> RolloutConfig.Anonymous.COOKIE;
            case "baseline" -> RolloutConfig.Anonymous.BASELINE;
            case "random" -> RolloutConfig.Anonymous.RANDOM;
            default -> throw new IllegalArgumentException("'" + s + "' is not a policy (expected: cookie, baseline or random)");
        }).orElse(RolloutConfig.Anonymous.COOKIE);

        List<LayerConfig> layers = new ArrayList<>();
        if (r.has("layers") && r.has("split")) {
            problems.at(r.keyNode("split").orElseThrow(), where + ": has both 'layers' and 'split' (expected: one; "
                    + "a rollout-level split is the same as a last layer 'everyone')");
        } else if (r.has("split")) {
            layers.add(new LayerConfig(CATCH_ALL, null, null, null,
                    readSplit(r.value("split").orElseThrow(), where + ".split", variants.keySet(), baseline)));
        } else {
            layers = readLayers(r, where, variants.keySet(), baseline);
        }
        ProgressiveConfig progressive = r.map("progressive")
                .map(p -> ProgressiveReader.read(p, where + ".progressive", problems)).orElse(null);
        if (progressive != null && layers.stream().noneMatch(LayerConfig::isCatchAll)) {
            problems.at(r.keyNode("progressive").orElseThrow(), where + ": progressive needs a catch-all layer "
                    + "(a last layer with a split and no when/users) for its steps to drive");
        }
        boolean observe = r.parsed("observe", s -> {
            if (!s.equals("openai")) {
                throw new IllegalArgumentException("'" + s + "' is not a protocol Fader reads (expected: openai)");
            }
            return true;
        }).orElse(false);
        JudgeConfig judge = r.map("judge").map(j -> JudgeReader.read(j)).orElse(null);
        if (!observe && !r.has("observe") && (judge != null || progressive != null && progressive.model().any())) {
            problems.at(r.keyNode(judge != null ? "judge" : "progressive").orElseThrow(), where + ": "
                    + (judge != null ? "judge" : "ttft-threshold, bad-finish and max-token-ratio")
                    + " need the model's answers read (expected: observe: openai on the rollout)");
        }
        LayerConfig split = layers.stream().filter(LayerConfig::isCatchAll).reduce((x, y) -> y).orElse(null);
        if (progressive != null && progressive.model().maxTokenRatio() > 0 && split != null && split.split() != null
                && split.split().shares().keySet().stream().filter(v -> !v.equals(baseline)).count() > 1) {
            problems.at(r.keyNode("progressive").orElseThrow(), where + ": max-token-ratio compares the canary with the"
                    + " baseline alone, but the catch-all split names " + split.split().shares().keySet()
                    + " (expected: one variant besides the baseline)");
        }
        if (name == null) {
            return null;
        }
        return new RolloutConfig(name, host, pathPrefix, baseline, variants, userKey,
                r.string("salt").orElse(name), anonymous, r.flag("explain", false), layers, progressive,
                r.string("revision").orElse(null), observe, judge,
                r.map("shadow").map(s -> ShadowReader.read(s, where + ".shadow", upstreams, problems)).orElse(null));
    }

    private Map<String, String> readVariants(YamlMap r, String where) {
        Map<String, String> variants = new LinkedHashMap<>();
        if (!r.has("variants")) {
            // Without an explicit map, each pool is a variant of the same name.
            upstreams.forEach(u -> variants.put(u, u));
            return variants;
        }
        YamlMap v = r.map("variants").orElseThrow();
        for (String variant : v.keys()) {
            Node valueNode = v.value(variant).orElse(v.keyNode(variant).orElseThrow());
            checkName(v.keyNode(variant).orElseThrow(), where + ": variant", variant);
            String upstream = v.string(variant).orElse(null);
            if (upstream == null) {
                problems.at(valueNode, where + ".variants." + variant + ": names no upstream" + known(upstreams));
            } else if (!upstreams.contains(upstream)) {
                problems.at(valueNode, where + ".variants." + variant + ": unknown upstream '" + upstream + "'"
                        + hint(upstream, upstreams) + known(upstreams));
            }
            variants.put(variant, upstream);
        }
        if (variants.isEmpty()) {
            problems.at(r.keyNode("variants").orElseThrow(), where + ".variants: empty (expected: variant: upstream)");
        }
        return variants;
    }

    private List<LayerConfig> readLayers(YamlMap r, String where, Set<String> variants, String baseline) {
        List<LayerConfig> layers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (Node n : r.list("layers")) {
            YamlMap l = YamlMap.of(n, where + ".layers[" + i + "]", problems).allow(LAYER_KEYS);
            String name = l.string("name").orElse("layer-" + (i + 1));
            i++;
            checkName(l.value("name").orElse(n), where + ": layer", name);
            if (!names.add(name)) {
                problems.at(l.value("name").orElse(n), where + ": duplicate layer name '" + name + "'");
            }
            String lw = where + " layer '" + name + "'";
            KeySource force = l.parsed("force", KeySource::parse).orElse(null);
            if (force != null && force.kind() != KeySource.Kind.HEADER && force.kind() != KeySource.Kind.COOKIE) {
                problems.at(l.value("force").orElseThrow(), lw + ": force reads '" + force
                        + "' (expected: header:NAME or cookie:NAME)");
            }
            Condition when = l.map("when").map(w -> readWhen(w, lw + ".when")).orElse(null);
            Set<String> users = readUsers(l, lw);
            Split split = l.value("split").map(s -> readSplit(s, lw + ".split", variants, baseline)).orElse(null);
            if (force != null && (split != null || when != null || users != null)) {
                problems.at(l.keyNode("force").orElseThrow(), lw + ": a force layer takes no when, users or split "
                        + "(the header or cookie value names the variant)");
            } else if (force == null && split == null) {
                Node at = l.keyNode("when").or(() -> l.keyNode("users")).or(() -> l.keyNode("users-file")).orElse(n);
                problems.at(at, lw + ": selects users but gives them nothing (expected: a split, e.g. split: { canary: 100% })");
            }
            layers.add(new LayerConfig(name, force, when, users, split));
        }
        if (layers.isEmpty() && !r.has("layers")) {
            // A rollout with neither layers nor split sends everyone to its baseline.
            layers.add(new LayerConfig(CATCH_ALL, null, null, null, new Split(Map.of())));
        }
        return layers;
    }

    private Set<String> readUsers(YamlMap l, String lw) {
        if (!l.has("users") && !l.has("users-file")) {
            return null;
        }
        Set<String> users = new LinkedHashSet<>(l.strings("users"));
        l.string("users-file").ifPresent(f -> {
            Path p = file.toAbsolutePath().getParent() == null ? Path.of(f) : file.toAbsolutePath().getParent().resolve(f);
            try {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    String key = line.strip();
                    if (!key.isEmpty() && !key.startsWith("#")) {
                        users.add(key);
                    }
                }
            } catch (IOException e) {
                problems.at(l.value("users-file").orElseThrow(), lw + ".users-file: cannot read '" + p + "': "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        });
        return users;
    }

    private Condition readWhen(YamlMap w, String where) {
        w.allow(WHEN_KEYS);
        List<KeySource> sources = new ArrayList<>();
        for (String kind : List.of("header", "cookie", "query")) {
            w.string(kind).ifPresent(name -> sources.add(KeySource.parse(kind + ":" + name)));
        }
        List<Condition.Op> ops = new ArrayList<>();
        for (Condition.Op op : Condition.Op.values()) {
            if (w.has(op.name().toLowerCase())) {
                ops.add(op);
            }
        }
        if (sources.size() != 1) {
            problems.at(w.node(), where + ": " + (sources.isEmpty() ? "names nothing to match" : "names "
                    + sources.size() + " attributes") + " (expected: exactly one of header, cookie or query)");
        }
        if (ops.size() != 1) {
            problems.at(w.node(), where + ": " + (ops.isEmpty() ? "has no test" : "has " + ops.size() + " tests")
                    + " (expected: exactly one of in, equals, prefix or regex)");
        }
        if (sources.size() != 1 || ops.size() != 1) {
            return null;
        }
        Condition.Op op = ops.get(0);
        List<String> values = w.strings(op.name().toLowerCase());
        if (op == Condition.Op.REGEX) {
            for (String v : values) {
                try {
                    Pattern.compile(v);
                } catch (PatternSyntaxException e) {
                    problems.at(w.value("regex").orElseThrow(), where + ".regex: '" + v + "' is not a regular expression: "
                            + e.getDescription());
                }
            }
        }
        if (values.isEmpty()) {
            problems.at(w.keyNode(op.name().toLowerCase()).orElseThrow(), where + "." + op.name().toLowerCase()
                    + ": no value to compare with");
        }
        return new Condition(sources.get(0), op, values);
    }

    private Split readSplit(Node node, String where, Set<String> variants, String baseline) {
        YamlMap s = YamlMap.of(node, where, problems);
        Map<String, Integer> shares = new LinkedHashMap<>();
        int total = 0;
        Integer baselineShare = null;
        for (String variant : s.keys()) {
            Integer bp = s.parsed(variant, Percent::basisPoints).orElse(null);
            if (!variants.contains(variant)) {
                problems.at(s.keyNode(variant).orElseThrow(), where + ": unknown variant '" + variant + "'"
                        + hint(variant, variants) + known(variants));
                continue;
            }
            if (bp == null) {
                continue;
            }
            if (variant.equals(baseline)) {
                baselineShare = bp;
                continue;
            }
            shares.put(variant, bp);
            total += bp;
        }
        if (total > Percent.ALL) {
            problems.at(node, where + ": shares add up to " + Percent.format(total) + " (expected: at most 100%)");
        } else if (baselineShare != null && baselineShare + total != Percent.ALL) {
            problems.at(s.keyNode(baseline).orElseThrow(), where + ": baseline '" + baseline + "' is given "
                    + Percent.format(baselineShare) + " but the rest is " + Percent.format(Percent.ALL - total)
                    + " (expected: leave the baseline out, it takes the rest)");
        }
        return new Split(shares);
    }

    private void checkName(Node at, String what, String name) {
        String problem = name == null ? null : Names.problem(what, name);
        if (problem != null) {
            problems.at(at, problem);
        }
    }

    private static String known(Set<String> names) {
        return " (expected one of: " + String.join(", ", names) + ")";
    }

    private static String hint(String found, Set<String> names) {
        return Spelling.nearest(found, names).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }
}
