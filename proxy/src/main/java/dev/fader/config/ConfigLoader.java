package dev.fader.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reads a rollout file into a validated {@link FaderConfig}, or throws with every error it found. */
public final class ConfigLoader {
    private static final Set<String> TOP_KEYS = Set.of(
            "listen", "admin", "admin-token", "feedback-token", "admin-read-token", "admin-hosts", "access-log",
            "trusted-proxies", "upstreams", "rollouts", "feedback",
            "connect-timeout", "response-timeout", "client-header-timeout", "idle-timeout", "upstream-idle-timeout",
            "drain-timeout", "max-idle-per-endpoint", "max-connections", "max-body-size", "max-header-size",
            "max-request-line", "body-timeout", "outlier-consecutive-failures", "outlier-base-ejection",
            "outlier-max-ejected", "cluster");

    private ConfigLoader() {
    }

    public static FaderConfig load(Path file) throws ConfigException {
        return load(file, System::getenv);
    }

    /** Reads {@code file} with {@code env} answering {@code ${env:NAME}} references (tests pass their own). */
    public static FaderConfig load(Path file, Function<String, String> env) throws ConfigException {
        return parse(file, RolloutFile.read(file), env);
    }

    public static FaderConfig parse(Path file, String text) throws ConfigException {
        return parse(file, text, System::getenv);
    }

    public static FaderConfig parse(Path file, String text, Function<String, String> env) throws ConfigException {
        Problems problems = new Problems(file.toString());
        Node root;
        try (Reader reader = new StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported by YamlMap with a position instead
            options.setMaxAliasesForCollections(50);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            problems.at(e.getProblemMark(), "YAML syntax: " + e.getProblem());
            throw new ConfigException(problems.sorted());
        } catch (IOException | RuntimeException e) {
            problems.at((Mark) null, "YAML syntax: " + e.getMessage());
            throw new ConfigException(problems.sorted());
        }
        if (root == null) {
            problems.at((Mark) null, "the file is empty (expected: at least listen and upstreams)");
            throw new ConfigException(problems.sorted());
        }
        Path base = file.toAbsolutePath().getParent();
        SecretRefs secrets = new SecretRefs(env, base == null ? Path.of(".") : base);
        FaderConfig config = read(file, YamlMap.of(root, "", problems).allow(TOP_KEYS), secrets);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return config;
    }

    private static FaderConfig read(Path file, YamlMap top, SecretRefs secrets) {
        Problems problems = top.problems();
        Address listen = null;
        if (!top.has("listen")) {
            problems.at(top.node(), "top level: missing required key 'listen' (expected: host:port or a port)");
        } else {
            listen = top.parsed("listen", Address::parse).orElse(null);
        }
        // A bare admin port binds loopback only: the admin API is not for the open network by default.
        Address admin = top.parsed("admin", s -> s.trim().indexOf(':') < 0
                ? new Address("127.0.0.1", Address.parse(s).port()) : Address.parse(s)).orElse(null);
        List<String> trusted = new ArrayList<>();
        for (Node n : top.list("trusted-proxies")) {
            top.parse(n, "trusted-proxies", s -> {
                Cidr.parse(s);
                return s;
            }).ifPresent(trusted::add);
        }
        Map<String, UpstreamConfig> upstreams = UpstreamReader.read(top);
        RolloutReader rollouts = new RolloutReader(file, upstreams.keySet(), problems);
        List<RolloutConfig> list = rollouts.readAll(top);
        AdminAccess access = AccessReader.read(top, admin, secrets);
        StartupSettings startup = new StartupSettings(listen, admin,
                top.string("access-log").orElse(null), readFeedback(top),
                top.parsed("max-idle-per-endpoint", s -> count(s, 0)).orElse(StartupSettings.DEFAULT_MAX_IDLE_PER_ENDPOINT),
                top.parsed("upstream-idle-timeout", ConfigLoader::positive).orElse(StartupSettings.DEFAULT_UPSTREAM_IDLE_TIMEOUT),
                ClusterReader.read(top, listen));
        return new FaderConfig(file, startup, access, trusted, upstreams, list, readLimits(top));
    }

    private static ProxyLimits readLimits(YamlMap top) {
        ProxyLimits d = ProxyLimits.defaults();
        return new ProxyLimits(
                top.parsed("connect-timeout", ConfigLoader::positive).orElse(d.connectTimeout()),
                top.parsed("response-timeout", ConfigLoader::positive).orElse(d.responseTimeout()),
                top.parsed("client-header-timeout", ConfigLoader::positive).orElse(d.clientHeaderTimeout()),
                top.parsed("idle-timeout", ConfigLoader::positive).orElse(d.idleTimeout()),
                top.parsed("drain-timeout", Durations::parse).orElse(d.drainTimeout()),
                top.parsed("max-connections", s -> count(s, 0)).orElse(d.maxConnections()),
                top.parsed("max-body-size", Sizes::parse).orElse(d.maxBodySize()),
                top.parsed("max-header-size", s -> (int) Math.min(Integer.MAX_VALUE, Sizes.parse(s)))
                        .orElse(d.maxHeaderSize()),
                top.parsed("max-request-line", s -> (int) Math.min(Integer.MAX_VALUE, Sizes.parse(s)))
                        .orElse(d.maxRequestLine()),
                top.parsed("body-timeout", ConfigLoader::positive).orElse(d.bodyTimeout()),
                top.parsed("outlier-consecutive-failures", s -> count(s, 0)).orElse(d.outlierConsecutiveFailures()),
                top.parsed("outlier-base-ejection", ConfigLoader::positive).orElse(d.outlierBaseEjection()),
                top.parsed("outlier-max-ejected", Percent::basisPoints).orElse(d.outlierMaxEjectedBasisPoints()));
    }

    private static FeedbackSettings readFeedback(YamlMap top) {
        FeedbackSettings d = FeedbackSettings.defaults();
        YamlMap f = top.map("feedback").orElse(null);
        if (f == null) {
            return d;
        }
        f.allow(Set.of("window", "log-interval", "min-requests", "tolerance", "alpha", "events", "remember-answers",
                "remember-users"));
        return new FeedbackSettings(
                f.parsed("window", ConfigLoader::positive).orElse(d.window()),
                f.parsed("log-interval", ConfigLoader::positive).orElse(d.logInterval()),
                f.parsed("min-requests", s -> count(s, 1)).orElse(d.minRequests()),
                f.parsed("tolerance", s -> number(s, 1, 100)).orElse(d.tolerance()),
                f.parsed("alpha", s -> number(s, 1e-9, 0.5)).orElse(d.alpha()),
                f.string("events").orElse(d.events()),
                f.parsed("remember-answers", s -> count(s, 1)).orElse(d.rememberAnswers()),
                f.parsed("remember-users", s -> count(s, 1)).orElse(d.rememberUsers()));
    }

    static Duration positive(String s) {
        Duration d = Durations.parse(s);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("'" + s + "' must be longer than zero");
        }
        return d;
    }

    static double number(String s, double min, double max) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException("'" + s + "' is outside " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a number (expected: " + min + ".." + max + ")");
        }
    }

    static int count(String s, int min) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n < min) {
                throw new IllegalArgumentException("'" + s + "' is below " + min + " (expected: an integer >= " + min + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an integer (expected: an integer >= " + min + ")");
        }
    }
}
