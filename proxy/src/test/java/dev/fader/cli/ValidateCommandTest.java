package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import dev.fader.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code validate} prints the exact file:line:column message for each broken fixture, and OK for the examples. */
class ValidateCommandTest {
    static final Path BROKEN = Path.of("src/test/resources/broken");

    static Map<String, List<String>> expectations() {
        Map<String, List<String>> expect = new LinkedHashMap<>();
        expect.put("bad-address", List.of(
                "6:9: upstreams.stable.endpoints: port 99999 in '127.0.0.1:99999' is out of range (expected: 0..65535)"));
        expect.put("cluster", List.of(
                "3:10: cluster.etcd: '127.0.0.1:2379' is not a URL (expected: http://host:port)",
                "4:11: cluster.prefix: 'fader/' is not a key prefix (expected: one such as /fader, starting with '/' and"
                        + " not ending with one)",
                "5:10: cluster.lease: '1500ms' is not a lease etcd grants (expected: whole seconds, at least 2s)",
                "6:13: cluster.interval: 5s is not shorter than the lease of 5s (expected: several looks per lease, e.g."
                        + " interval: 1s)"));
        expect.put("dangling-upstream", List.of(
                "8:41: rollout 'web'.variants.canary: unknown upstream 'canry' (did you mean 'canary'?) (expected one of: stable, canary)"));
        expect.put("duplicate-rollout", List.of(
                "7:11: rollouts: duplicate rollout name 'web'"));
        expect.put("empty-pool", List.of(
                "4:13: upstreams.canary: empty pool (expected: at least one endpoint host:port)"));
        expect.put("layer-without-split", List.of(
                "10:9: rollout 'web' layer 'staff': selects users but gives them nothing (expected: a split, e.g. split: { canary: 100% })"));
        expect.put("model-gates", List.of(
                "9:14: rollouts[0].observe: 'anthropic' is not a protocol Fader reads (expected: openai)",
                "10:12: rollouts[0].judge: missing required key 'url'",
                "12:5: rollout 'chat': max-token-ratio compares the canary with the baseline alone, but the catch-all split"
                        + " names [canary, other] (expected: one variant besides the baseline)",
                "15:30: rollout 'chat'.progressive.analysis.bad-finish: 'truncated' is not a finish reason (expected one of:"
                        + " stop, length, content_filter, tool_calls, other, none)",
                "20:5: rollout 'plain': ttft-threshold, bad-finish and max-token-ratio need the model's answers read"
                        + " (expected: observe: openai on the rollout)"));
        expect.put("many-errors", List.of(
                "1:9: listen: 'localhost:http' has no valid port (expected: host:port with port 0..65535)",
                "3:42: upstreams.stable: unknown key 'weight'; expected one of endpoints, fallback, health-check",
                "6:15: rollout 'web': baseline 'stabel' is not a variant (expected one of: stable)"));
        expect.put("shadow", List.of(
                "8:17: rollout 'chat'.shadow.upstream: unknown upstream 'candidte' (expected one of: stable)",
                "9:23: rollout 'chat'.shadow.methods: 'FETCH' is not a method Fader copies (expected one of: DELETE, GET,"
                        + " HEAD, OPTIONS, PATCH, POST, PUT)",
                "10:16: rollout 'chat'.shadow.ignore: 'id' does not start with / (expected: a JSON pointer such as /id)"));
        expect.put("split-over-100", List.of(
                "10:12: rollout 'models'.split: shares add up to 110% (expected: at most 100%)"));
        expect.put("three-decimals", List.of(
                "8:22: rollout 'web'.split.canary: '0.125%' has more than two decimals (expected: a multiple of 0.01%)"));
        expect.put("unknown-key", List.of(
                "1:1: top level: missing required key 'upstreams' (expected: a mapping of pool names to endpoints)",
                "2:1: top level: unknown key 'upstreems' (did you mean 'upstreams'?); expected one of access-log, admin, admin-hosts, admin-read-token, admin-token, body-timeout, client-header-timeout, cluster, connect-timeout, drain-timeout, feedback, feedback-token, idle-timeout, listen, max-body-size, max-connections, max-header-size, max-idle-per-endpoint, max-request-line, outlier-base-ejection, outlier-consecutive-failures, outlier-max-ejected, response-timeout, rollouts, trusted-proxies, upstream-idle-timeout, upstreams"));
        expect.put("unknown-variant", List.of(
                "11:18: rollout 'web' layer 'everyone'.split: unknown variant 'canery' (did you mean 'canary'?) (expected one of: stable, canary)"));
        expect.put("when-on-nothing", List.of(
                "10:15: rollout 'web' layer 'staff'.when: names nothing to match (expected: exactly one of header, cookie or query)"));
        expect.put("yaml-syntax", List.of(
                "3:40: YAML syntax: expected ',' or ']', but got }"));
        return expect;
    }

    static Stream<String> fixtures() {
        return expectations().keySet().stream();
    }

    @ParameterizedTest(name = "{0}.yaml")
    @MethodSource("fixtures")
    void brokenFileIsRefusedWithPositionedErrors(String name) {
        Path file = BROKEN.resolve(name + ".yaml");
        Cli.Result r = validate(file.toString());
        assertThat(r.status()).isEqualTo(1);
        List<String> expected = expectations().get(name).stream().map(e -> file + ":" + e).toList();
        assertThat(r.out().lines().toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void helpPrintsEveryCommandWithoutAFormattingWarning() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.out()).doesNotContain("WARN").doesNotContain("Could not format")
                .contains("canary to 0% (testers keep it)").contains("give the canary 100%.");
    }

    @Test
    void everyBrokenFixtureHasAnExpectation() throws IOException {
        try (Stream<Path> files = Files.list(BROKEN)) {
            assertThat(files.map(p -> p.getFileName().toString().replace(".yaml", "")))
                    .containsExactlyInAnyOrderElementsOf(expectations().keySet());
        }
    }

    @Test
    void everyExampleConfigValidates() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("../config"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yamls).isNotEmpty().anyMatch(p -> p.toString().contains("fleet"));
            for (Path p : yamls) {
                Cli.Result r = validate(p.toString());
                assertThat(r.out()).as(p.toString()).isEqualTo(p + ": OK\n");
                assertThat(r.status()).isZero();
            }
        }
    }

    static Cli.Result validate(String... files) {
        return Cli.run(Stream.concat(Stream.of("validate"), Stream.of(files)).toArray(String[]::new));
    }
}
