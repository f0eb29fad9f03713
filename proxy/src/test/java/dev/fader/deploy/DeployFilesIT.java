package dev.fader.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import dev.fader.demo.ToyModel;
import dev.fader.proxy.Transport;
import dev.fader.testing.EtcdServer;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The files in {@code deploy/} do what the README says: Prometheus accepts the rules and their unit tests
 * pass (promtool, Debian's {@code prometheus} package, which {@code .ci/run} installs), every metric the
 * rules and the Grafana dashboard name exists in a running instance's {@code /metrics}, the Kubernetes
 * files name the probes, args and mounts, and systemd accepts the unit.
 */
class DeployFilesIT {
    static final Path DEPLOY = Path.of("../deploy");
    static final Pattern METRIC = Pattern.compile("\\b(fader_[a-z0-9_]+)");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(DEPLOY.resolve("prometheus").toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + " said: " + out).isZero();
        return out;
    }

    static String promtool() {
        for (String p : List.of("/usr/bin/promtool", "/usr/local/bin/promtool")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("no promtool (expected: Debian's prometheus package, which .ci/run installs)");
    }

    @Test
    void prometheusAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        assertThat(run(promtool(), "check", "rules", "fader-rules.yaml")).contains("SUCCESS");
        assertThat(run(promtool(), "test", "rules", "fader-rules.test.yaml")).contains("SUCCESS");
    }

    /** Metric names in the rules' expressions and the dashboard's queries and annotations. */
    static Set<String> namesUsed() throws IOException {
        Set<String> names = new TreeSet<>();
        Map<String, Object> rules = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/fader-rules.yaml")));
        for (Object g : (List<?>) rules.get("groups")) {
            for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
                collect(String.valueOf(((Map<?, ?>) r).get("expr")), names);
            }
        }
        JsonNode dash = JSON.readTree(DEPLOY.resolve("grafana/fader.json").toFile());
        int queries = 0;
        for (JsonNode panel : dash.get("panels")) {
            if (panel.get("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.get("targets")).as("panel %s", panel.get("title")).isNotEmpty();
            for (JsonNode t : panel.get("targets")) {
                collect(t.get("expr").asText(), names);
                queries++;
            }
        }
        for (JsonNode a : dash.get("annotations").get("list")) {
            collect(a.get("expr").asText(), names);
        }
        collect(dash.get("templating").get("list").get(1).get("definition").asText(), names);
        assertThat(queries).isGreaterThan(10);
        return names;
    }

    static void collect(String expr, Set<String> names) {
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
    }

    @Test
    void everyMetricTheRulesAndTheDashboardNameExistsInARunningInstance() throws Exception {
        Set<String> used = namesUsed();
        assertThat(used).contains("fader_requests_total", "fader_rollout_state", "fader_analysis_evidence",
                "fader_sample_ratio_mismatch", "fader_ttft_seconds_bucket", "fader_cluster_connected");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "toy-models");
        try (EtcdServer etcd = EtcdServer.start(dir);
                ToyModel stable = new ToyModel(group, transport.serverChannel(),
                        new ToyModel.Behaviour("stable", 5, 1, 1, 0.2, 0, true));
                ToyModel canary = new ToyModel(group, transport.serverChannel(),
                        new ToyModel.Behaviour("canary", 5, 1, 1, 0.2, 0, true))) {
            Path file = dir.resolve("rollout.yaml");
            String yaml = """
                    listen: 127.0.0.1:0
                    admin: 127.0.0.1:0
                    access-log: "off"
                    feedback: { events: "off" }
                    cluster: { etcd: [%s], prefix: /deploy-test, lease: 2s, interval: 200ms }
                    upstreams:
                      stable: { endpoints: [127.0.0.1:%d], health-check: { path: /healthz, interval: 200ms, timeout: 100ms } }
                      canary: { endpoints: [127.0.0.1:%d] }
                      gone: { endpoints: [127.0.0.1:1] }
                    rollouts:
                      - name: chat
                        baseline: stable
                        observe: openai
                        variants: { stable: stable, canary: canary, gone: gone }
                        user-key: [header:X-User-Id]
                        layers:
                          - name: testers
                            force: header:X-Fader-Force
                          - name: everyone
                            split: { canary: 0%% }
                        progressive:
                          steps: [50%%, 100%%]
                          step-min-duration: 1h
                          state-dir: state
                    """.formatted(etcd.url(), stable.port(), canary.port());
            Files.writeString(file, yaml);
            try (Instance fader = new Instance(file, ConfigLoader.load(file), 1).start()) {
                HttpClient client = HttpClient.newHttpClient();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (fader.controllers().get("chat").weight() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50); // the fleet (this one instance, its leader) starts the rollout at 50%
                }
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    HttpResponse<String> r = client.send(chat(fader, "user-" + i, null), HttpResponse.BodyHandlers.ofString());
                    r.headers().firstValue("X-Fader-Answer-Id").ifPresent(ids::add);
                }
                client.send(chat(fader, "tester", "gone"), HttpResponse.BodyHandlers.ofString()); // a fallback
                client.send(HttpRequest.newBuilder(admin(fader, "/feedback")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"requestId\":\"" + ids.get(0) + "\",\"label\":\"positive\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                Thread.sleep(1_500); // the fleet's look judges the counts; the health check runs
                client.send(HttpRequest.newBuilder(admin(fader, "/rollouts/chat/pause"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                Files.writeString(file, yaml.replace("listen:", "listn:"));
                assertThat(client.send(HttpRequest.newBuilder(admin(fader, "/reload")).POST(HttpRequest.BodyPublishers
                        .noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(422);

                String scrape = client.send(HttpRequest.newBuilder(admin(fader, "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Set<String> exposed = new TreeSet<>();
                for (String line : scrape.split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        exposed.add(line.split("[{ ]", 2)[0]);
                    }
                }
                assertThat(exposed).as("metric names in /metrics").containsAll(used);
            }
        } finally {
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    static HttpRequest chat(Instance fader, String user, String force) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fader.proxyAddress().getPort()
                + "/v1/chat/completions")).header("X-User-Id", user).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"toy\",\"stream\":true,\"messages\":[]}"));
        if (force != null) {
            b.header("X-Fader-Force", force);
        }
        return b.build();
    }

    static URI admin(Instance fader, String path) {
        return URI.create("http://127.0.0.1:" + fader.adminAddress().getPort() + path);
    }

    @Test
    void theKubernetesFilesNameTheProbesArgsAndMountsTheReadmeDescribes() throws Exception {
        Map<String, Map<String, Object>> byKind = new java.util.HashMap<>();
        try (var files = Files.list(DEPLOY.resolve("kubernetes"))) {
            for (Path f : files.sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) doc;
                    byKind.put((String) m.get("kind"), m);
                    byKind.put(m.get("kind") + "/" + ((Map<?, ?>) m.get("metadata")).get("name"), m);
                }
            }
        }
        assertThat(byKind).containsKeys("Deployment", "Service/fader", "Service/fader-admin", "ConfigMap",
                "PodDisruptionBudget", "NetworkPolicy");
        JsonNode deployment = JSON.valueToTree(byKind.get("Deployment"));
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode c = pod.at("/containers/0");
        assertThat(c.at("/args").toString()).isEqualTo("[\"run\",\"--config\",\"/etc/fader/rollout.yaml\",\"--watch\"]");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("admin");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(c.at("/lifecycle/preStop/exec/command").toString()).contains("sleep");
        assertThat(pod.at("/terminationGracePeriodSeconds").asInt()).isGreaterThan(30);
        assertThat(c.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/etc/fader");
        assertThat(pod.at("/volumes/0/configMap/name").asText()).isEqualTo(JSON.valueToTree(byKind.get("ConfigMap"))
                .at("/metadata/name").asText());
        int adminPort = -1;
        for (JsonNode p : c.get("ports")) {
            if (p.get("name").asText().equals("admin")) {
                adminPort = p.get("containerPort").asInt();
            }
        }
        // The ConfigMap's rollout file is valid and its admin API listens where the probes look.
        String rollout = JSON.valueToTree(byKind.get("ConfigMap")).at("/data/rollout.yaml").asText();
        Path f = dir.resolve("rollout.yaml");
        Files.writeString(f, rollout);
        assertThat(ConfigLoader.load(f, Map.of("FADER_ADMIN_TOKEN", "t", "FADER_FEEDBACK_TOKEN", "f")::get).admin().port())
                .isEqualTo(adminPort);
        assertThat(JSON.valueToTree(byKind.get("Service/fader")).at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        // The admin port is reached by its own Service, whose name the rollout file lets in (admin-hosts), with
        // tokens from a Secret, and only from the peers the NetworkPolicy names.
        assertThat(JSON.valueToTree(byKind.get("Service/fader-admin")).at("/spec/ports/0/targetPort").asText())
                .isEqualTo("admin");
        var loaded = ConfigLoader.load(f, Map.of("FADER_ADMIN_TOKEN", "t", "FADER_FEEDBACK_TOKEN", "f")::get);
        assertThat(loaded.access().hosts()).contains("fader-admin", "fader-admin.default.svc");
        assertThat(loaded.access().adminToken().matches("t")).isTrue();
        assertThat(c.at("/env").toString()).contains("\"secretKeyRef\":{\"name\":\"fader-tokens\",\"key\":\"admin\"}");
        JsonNode policy = JSON.valueToTree(byKind.get("NetworkPolicy"));
        assertThat(policy.at("/spec/ingress/1/ports/0/port").asText()).isEqualTo("admin");
        assertThat(policy.at("/spec/ingress/1/from").size()).isGreaterThanOrEqualTo(4);
        assertThat(JSON.valueToTree(byKind.get("PodDisruptionBudget")).at("/spec/maxUnavailable").asInt()).isEqualTo(1);
    }

    @Test
    void systemdAcceptsTheUnitAndReloadSendsSighup() throws Exception {
        String unit = Files.readString(DEPLOY.resolve("systemd/fader.service"));
        assertThat(unit).contains("ExecReload=/bin/kill -HUP $MAINPID").contains("User=fader")
                .contains("NoNewPrivileges=true").contains("ProtectSystem=strict");
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (Files.isExecutable(analyze)) { // where systemd is installed; the text checks above hold everywhere
            Process p = new ProcessBuilder(analyze.toString(), "verify", DEPLOY.resolve("systemd/fader.service").toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).doesNotContain("Unknown key").doesNotContain("Failed");
        }
    }
}
