package dev.fader.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads a rollout's {@code progressive:} block. */
final class ProgressiveReader {
    private static final Set<String> KEYS = Set.of("steps", "step-min-duration", "step-min-requests", "analysis",
            "on-failure", "state-dir", "notify");
    private static final Set<String> ANALYSIS_KEYS = Set.of("max-error-ratio", "max-error-increase",
            "slow-threshold", "alpha", "negative-feedback", "ttft-threshold", "bad-finish", "max-token-ratio", "token-cap");
    /** The finish reasons a {@code bad-finish} list may name: the metric's labels. */
    static final Set<String> FINISH_REASONS = Set.of("stop", "length", "content_filter", "tool_calls", "other", "none");

    private ProgressiveReader() {
    }

    static ProgressiveConfig read(YamlMap p, String where, Problems problems) {
        p.allow(KEYS);
        List<Integer> steps = new ArrayList<>();
        int previous = -1;
        for (Node n : p.list("steps")) {
            if (n instanceof ScalarNode s && s.getValue().equals("manual")) {
                steps.add(ProgressiveConfig.MANUAL); // wait here for POST /rollouts/{name}/promote
                continue;
            }
            Integer bp = p.parse(n, where + ".steps", Percent::basisPoints).orElse(null);
            if (bp != null && bp <= previous) {
                problems.at(n, where + ".steps: " + Percent.format(bp) + " after " + Percent.format(previous)
                        + " (expected: steps that only go up)");
            }
            if (bp != null) {
                steps.add(bp);
                previous = bp;
            }
        }
        if (steps.stream().noneMatch(s -> s >= 0)) {
            problems.at(p.keyNode("steps").map(k -> (Node) k).orElse(p.node()), where + ": no steps (expected: e.g. steps: [1%, 5%, 25%, 100%])");
        }
        YamlMap a = p.map("analysis").orElse(null);
        if (a != null) {
            a.allow(ANALYSIS_KEYS);
        }
        double ratio = a == null ? 1.5 : a.parsed("max-error-ratio", s -> positiveNumber(s)).orElse(1.5);
        int increase = a == null ? 50 : a.parsed("max-error-increase", Percent::basisPoints).orElse(50);
        Duration slow = a == null ? Duration.ofMillis(500) : a.parsed("slow-threshold", ConfigLoader::positive)
                .orElse(Duration.ofMillis(500));
        double alpha = a == null ? 0.01 : a.parsed("alpha", s -> {
            double v = positiveNumber(s);
            if (v >= 0.5) {
                throw new IllegalArgumentException("'" + s + "' is too large (expected: 0 < alpha < 0.5, e.g. 0.01)");
            }
            return v;
        }).orElse(0.01);
        boolean rollback = p.parsed("on-failure", s -> switch (s) {
            case "rollback" -> true;
            case "pause" -> false;
            default -> throw new IllegalArgumentException("'" + s + "' is not an action (expected: rollback or pause)");
        }).orElse(true);
        List<String> notify = new ArrayList<>();
        for (Node n : p.list("notify")) {
            p.parse(n, where + ".notify", s -> {
                if (!s.startsWith("http://") && !s.startsWith("https://")) {
                    throw new IllegalArgumentException("'" + s + "' is not an http(s) URL");
                }
                URI.create(s);
                return s;
            }).ifPresent(notify::add);
        }
        boolean feedbackGate = a != null && a.flag("negative-feedback", false);
        ProgressiveConfig.ModelGates model = a == null ? ProgressiveConfig.ModelGates.NONE : modelGates(a, where);
        return new ProgressiveConfig(steps,
                p.parsed("step-min-duration", ConfigLoader::positive).orElse(Duration.ofMinutes(5)),
                p.parsed("step-min-requests", s -> (long) ConfigLoader.count(s, 0)).orElse(500L),
                ratio, increase, slow, alpha, rollback, p.string("state-dir").orElse(".fader-state"), feedbackGate,
                notify, model);
    }

    private static ProgressiveConfig.ModelGates modelGates(YamlMap a, String where) {
        List<String> badFinish = new ArrayList<>();
        for (Node n : a.list("bad-finish")) {
            a.parse(n, where + ".analysis.bad-finish", s -> {
                if (!FINISH_REASONS.contains(s)) {
                    throw new IllegalArgumentException("'" + s + "' is not a finish reason (expected one of: stop, length,"
                            + " content_filter, tool_calls, other, none)");
                }
                return s;
            }).ifPresent(badFinish::add);
        }
        double tokenRatio = a.parsed("max-token-ratio", s -> {
            double v = positiveNumber(s);
            if (v < 1) {
                throw new IllegalArgumentException("'" + s + "' is below 1 (expected: the canary's mean output tokens may be"
                        + " at most this many times the baseline's, e.g. 1.3)");
            }
            return v;
        }).orElse(0.0);
        return new ProgressiveConfig.ModelGates(a.parsed("ttft-threshold", ConfigLoader::positive).orElse(null),
                badFinish, tokenRatio, a.parsed("token-cap", s -> ConfigLoader.count(s, 16))
                        .orElse(ProgressiveConfig.ModelGates.DEFAULT_TOKEN_CAP));
    }

    private static double positiveNumber(String s) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a positive number");
        }
    }
}
