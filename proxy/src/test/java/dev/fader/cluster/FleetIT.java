package dev.fader.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.fader.analysis.Gate;
import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.app.Instance;
import dev.fader.config.ConfigLoader;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.SyntheticRequest;
import dev.fader.testing.EtcdServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three instances in one JVM, one real etcd on loopback, real upstreams: a progressive rollout run by the
 * fleet. Agreement is checked as it happens by a watcher that reads every instance's state every 20 ms and
 * compares their routing for the same users whenever their states agree.
 */
class FleetIT {
    // A failing canary answers 500 to the first FAILS_PER_INSTANCE requests that came through each instance
    // (the traffic says which in a header Fader forwards): the fleet sees 3 x that many, enough to abort,
    // and no instance alone can see enough, whatever the hashing did.
    static final int FAILS_PER_INSTANCE = 3;

    @TempDir
    Path dir;
    EtcdServer etcd;
    HttpServer stable;
    HttpServer canary;
    final AtomicBoolean canaryFails = new AtomicBoolean();
    final List<Instance> fleet = new ArrayList<>();
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicLong served = new AtomicLong();
    final AtomicBoolean running = new AtomicBoolean(true);
    final List<Thread> threads = new ArrayList<>();
    final Map<String, List<Long>> firstSeen = new HashMap<>(); // state -> when each instance first showed it
    final ConcurrentLinkedQueue<String> disagreements = new ConcurrentLinkedQueue<>();
    final AtomicInteger agreedChecks = new AtomicInteger();
    final java.util.Set<String> explainedHolds = java.util.concurrent.ConcurrentHashMap.newKeySet(); // instances

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start(dir);
        stable = upstream("stable", via -> false);
        Map<String, AtomicInteger> failed = new java.util.concurrent.ConcurrentHashMap<>();
        canary = upstream("canary", via -> canaryFails.get()
                && failed.computeIfAbsent(via, k -> new AtomicInteger()).incrementAndGet() <= FAILS_PER_INSTANCE);
    }

    HttpServer upstream(String name, java.util.function.Predicate<String> failVia) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", x -> {
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            String via = String.valueOf(x.getRequestHeaders().getFirst("X-Test-Via"));
            x.sendResponseHeaders(failVia.test(via) ? 500 : 200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        return s;
    }

    String yaml(String instance) {
        return """
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                access-log: "off"
                outlier-consecutive-failures: 0
                cluster:
                  etcd: [%s]
                  prefix: /fader-it
                  instance: %s
                  lease: 2s
                  interval: 200ms
                upstreams:
                  stable: { endpoints: [127.0.0.1:%d] }
                  canary: { endpoints: [127.0.0.1:%d] }
                rollouts:
                  - name: web
                    baseline: stable
                    user-key: [header:X-User-Id]
                    layers:
                      - name: everyone
                        split: { canary: 0%% }
                    progressive:
                      steps: [10%%, 50%%, 100%%]
                      step-min-duration: 1s
                      step-min-requests: 30
                      analysis: { max-error-ratio: 1.5, max-error-increase: 1%%, alpha: 0.01 }
                      state-dir: state-of-%s   # each instance's own (it is not part of the fleet's definition)
                """.formatted(etcd.url(), instance, stable.getAddress().getPort(), canary.getAddress().getPort(), instance);
    }

    Instance instance(String name) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(name));
        Path file = folder.resolve("rollout.yaml");
        Files.writeString(file, yaml(name));
        return new Instance(file, ConfigLoader.load(file), 1).start();
    }

    void startFleet() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            fleet.add(instance(name));
        }
        for (int i = 0; i < 3; i++) {
            int which = i;
            threads.add(daemon(() -> traffic(which)));
        }
        threads.add(daemon(this::watchAgreement));
    }

    static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "fleet-it");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** New users against instance {@code which} (the ones alive), ~60 requests per second each; none may fail. */
    void traffic(int which) {
        int user = which * 1_000_000;
        while (running.get()) {
            Instance target;
            synchronized (fleet) {
                target = fleet.get(which % fleet.size());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + target.proxyAddress().getPort() + "/x")).header("X-User-Id", "u" + user++)
                        .header("X-Test-Via", "instance-" + which)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                boolean expected = r.statusCode() == 200 || (r.statusCode() == 500 && r.body().equals("canary"));
                if (!expected) {
                    failures.add(r.statusCode() + " " + r.body());
                }
                served.incrementAndGet();
                Thread.sleep(15);
            } catch (IOException e) {
                if (running.get() && !target.proxy().draining()) {
                    failures.add(e.toString());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Every 2 ms the weights each instance's routing serves; every 20 ms, when all serve the same, their
     * routing of the same 50 users (which must then be the same: the assignment is a pure function).
     */
    void watchAgreement() {
        for (long look = 0; running.get(); look++) {
            List<Instance> now;
            synchronized (fleet) {
                now = List.copyOf(fleet);
            }
            List<String> states = now.stream().map(FleetIT::weights).toList();
            for (Instance i : now) {
                if (i.controllers().get("web").state().reason().startsWith("holding at")) {
                    explainedHolds.add(i.cluster().instance());
                }
            }
            long t = System.nanoTime();
            synchronized (firstSeen) {
                for (int i = 0; i < states.size(); i++) {
                    List<Long> seen = firstSeen.computeIfAbsent(states.get(i), k -> new ArrayList<>());
                    if (seen.size() <= i) {
                        while (seen.size() < i) {
                            seen.add(-1L);
                        }
                        seen.add(t);
                    } else if (seen.get(i) == -1L) {
                        seen.set(i, t);
                    }
                }
            }
            if (look % 10 == 0 && states.stream().distinct().count() == 1) {
                List<String> routes = now.stream().map(FleetIT::routes).toList();
                List<String> after = now.stream().map(FleetIT::weights).toList();
                if (after.equals(states)) {
                    agreedChecks.incrementAndGet();
                    if (routes.stream().distinct().count() != 1) {
                        disagreements.add(states.get(0) + ": " + routes);
                    }
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** What routing serves now: the canary's share of the catch-all layer in the instance's routing snapshot. */
    static String weights(Instance i) {
        return String.valueOf(i.table().rollout("web").layers().get(0).shareOf("canary"));
    }

    static String state(Instance i) {
        RolloutState s = i.controllers().get("web").state();
        return s.phase().label() + "@" + s.step();
    }

    static String routes(Instance i) {
        StringBuilder b = new StringBuilder();
        for (int u = 0; u < 50; u++) {
            RouteDecision d = i.table().decide(SyntheticRequest.builder().host("x").path("/x")
                    .header("X-User-Id", "probe-" + u).build());
            b.append(d.variant().charAt(0));
        }
        return b.toString();
    }

    boolean all(String state) {
        synchronized (fleet) {
            return fleet.stream().allMatch(i -> state(i).equals(state));
        }
    }

    void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s; states %s; status %s", what,
                    fleet.stream().map(FleetIT::state).toList(), fleet.stream().map(i -> i.cluster()).toList())
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Per weight served by every instance after the first: the time from the first instance serving it to the last. */
    List<Long> agreementLagsMillis() {
        List<Long> lags = new ArrayList<>();
        synchronized (firstSeen) {
            firstSeen.forEach((state, seen) -> {
                if (seen.size() == 3 && !seen.contains(-1L) && !state.equals("1000")) {
                    lags.add((seen.stream().max(Long::compare).get() - seen.stream().min(Long::compare).get()) / 1_000_000);
                }
            });
        }
        return lags;
    }

    Instance leader() {
        synchronized (fleet) {
            String name = fleet.get(0).cluster().leader();
            return fleet.stream().filter(i -> i.cluster().instance().equals(name)).findFirst().orElse(null);
        }
    }

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        for (Thread t : threads) {
            t.interrupt();
            t.join(5_000);
        }
        fleet.forEach(Instance::close);
        stable.stop(0);
        canary.stop(0);
        etcd.close();
    }

    @Test
    void aHealthyCanaryIsPromotedWithEveryInstanceAgreeingOnStepWeightsAndUsers() throws Exception {
        startFleet();
        await("promotion on every instance", Duration.ofSeconds(40), () -> all("promoted@2"));
        Thread.sleep(100); // the agreement watcher's next look records the last state too

        List<Long> lags = agreementLagsMillis();
        System.out.println("fleet agreement lag per transition (ms, 2 ms resolution): " + lags);
        assertThat(lags).as("every transition reached by all three").hasSizeGreaterThanOrEqualTo(2)
                .allMatch(l -> l < 1_000);
        assertThat(disagreements).as("routing of the same users while the weights agreed").isEmpty();
        assertThat(explainedHolds).as("instances that showed why a step held").containsExactlyInAnyOrder("a", "b", "c");
        assertThat(agreedChecks.get()).isGreaterThan(20);
        assertThat(failures).isEmpty();
        assertThat(fleet).allMatch(i -> i.cluster().connected() && i.cluster().instances().equals(List.of("a", "b", "c")));
        assertThat(fleet.stream().map(i -> i.cluster().leader()).distinct()).hasSize(1);
        String status = get(fleet.get(2).adminAddress().getPort(), "/status");
        assertThat(status).contains("\"cluster\":{\"instance\":\"c\",\"leader\":\"" + fleet.get(0).cluster().leader()
                + "\",\"connected\":true").contains("\"instances\":[\"a\",\"b\",\"c\"]");
        String metrics = get(fleet.get(1).adminAddress().getPort(), "/metrics");
        assertThat(metrics).contains("fader_cluster_connected 1.0").contains("fader_cluster_errors_total ");
        assertThat(fleet.stream().mapToDouble(i -> i.metrics().scrape().contains("fader_cluster_leader 1.0") ? 1 : 0).sum())
                .as("instances that say they lead").isEqualTo(1);
    }

    String get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    HttpResponse<String> post(Instance i, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + i.adminAddress().getPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBadCanaryIsAbortedFromTheFleetsSummedEvidenceThoughNoInstanceHasEnoughAlone() throws Exception {
        canaryFails.set(true);
        startFleet();
        await("abort on every instance", Duration.ofSeconds(40), () -> all("aborted@0"));
        running.set(false);

        RolloutController any = fleet.get(0).controllers().get("web");
        assertThat(any.state().reason()).contains("gate failed");
        for (Instance i : fleet) {
            RolloutController c = i.controllers().get("web");
            List<Gate> alone = c.judgeFleet(c.periods());
            assertThat(alone).as("instance %s's own counts", i.cluster().instance()).noneMatch(Gate::failed);
        }
        List<Gate> fleetGates = any.gates();
        assertThat(fleetGates).anyMatch(Gate::failed);
        assertThat(failures).isEmpty();
    }

    @Test
    void whenTheLeaderDiesAnotherTakesOverWithinTheLeaseAndTheRolloutGoesOn() throws Exception {
        startFleet();
        await("a leader", Duration.ofSeconds(10), () -> leader() != null);
        await("step 2", Duration.ofSeconds(30), () -> all("progressing@1"));
        Instance dead = leader();
        String deadName = dead.cluster().instance();
        synchronized (fleet) {
            fleet.remove(dead);
        }
        long killed = System.nanoTime();
        dead.fleet().halt(); // as a crash: no lease revoked, so the fleet must wait for it to expire
        dead.drain(Duration.ofSeconds(2)); // only its fleet part crashed: requests already sent to it finish
        dead.close();
        await("a new leader", Duration.ofSeconds(10), () -> {
            Instance l = leader();
            return l != null && !l.cluster().instance().equals(deadName);
        });
        long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("leader failover (ms): " + failoverMillis + " (lease 2s, interval 200ms)");
        assertThat(failoverMillis).isLessThan(2_000 + 3 * 200 + 1_000);
        await("promotion on the survivors", Duration.ofSeconds(30), () -> all("promoted@2"));
        assertThat(failures).isEmpty();
    }

    @Test
    void manualControlOnAnyInstanceActsOnTheFleetAndWhileEtcdIsDownNothingAdvancesAndNoRequestFails()
            throws Exception {
        startFleet();
        await("step 2", Duration.ofSeconds(30), () -> all("progressing@1"));
        HttpResponse<String> paused = post(fleet.get(2), "/rollouts/web/pause");
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
        await("paused everywhere by one instance's admin API", Duration.ofSeconds(5), () -> all("paused@1"));
        HttpResponse<String> resumed = post(fleet.get(0), "/rollouts/web/resume");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        await("resumed everywhere by another's", Duration.ofSeconds(5), () -> all("progressing@1"));

        etcd.kill(); // well within the resumed step's minimum of 1 s: nothing may advance from here
        await("every instance disconnected", Duration.ofSeconds(10),
                () -> fleet.stream().noneMatch(i -> i.cluster().connected()));
        long servedBefore = served.get();
        Thread.sleep(3_000); // longer than the step's minimum: it would have advanced
        assertThat(fleet).allMatch(i -> state(i).equals("progressing@1"));
        assertThat(served.get() - servedBefore).as("requests served while etcd was down").isGreaterThan(50);
        assertThat(fleet).allMatch(i -> i.fleet().errors() > 0);
        HttpResponse<String> refused = post(fleet.get(1), "/rollouts/web/pause");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("etcd unreachable");

        etcd.start();
        await("promotion after etcd is back", Duration.ofSeconds(40), () -> all("promoted@2"));
        await("every instance connected again", Duration.ofSeconds(10),
                () -> fleet.stream().allMatch(i -> i.cluster().connected()));
        assertThat(failures).isEmpty();
    }

    @Test
    void anInstanceRestartedMidStepRejoinsAtTheFleetsStepAndWhatItCountedStays() throws Exception {
        startFleet();
        await("step 2", Duration.ofSeconds(30), () -> all("progressing@1"));
        Instance old;
        synchronized (fleet) {
            old = fleet.stream().filter(i -> i.cluster().instance().equals("b")).findFirst().orElseThrow();
        }
        long before = canaryTrials(fleet.get(0));
        synchronized (fleet) {
            fleet.remove(old); // as a load balancer takes a restarting replica out first
        }
        old.drain(Duration.ofSeconds(2));
        old.close();
        Instance again = instance("b");
        synchronized (fleet) {
            fleet.add(again);
        }
        await("the restarted instance back in the fleet, at its step", Duration.ofSeconds(5),
                () -> again.cluster().connected() && state(again).equals(state(fleet.get(0))));
        assertThat(canaryTrials(fleet.get(0))).as("the fleet's canary requests, after b restarted").isGreaterThanOrEqualTo(before);
        await("promotion", Duration.ofSeconds(30), () -> all("promoted@2"));
        assertThat(failures).isEmpty();
    }

    @Test
    void theStateSurvivesEveryInstanceRestartingWithFreshLocalFolders() throws Exception {
        startFleet();
        await("step 2", Duration.ofSeconds(30), () -> all("progressing@1"));
        List<Instance> old;
        synchronized (fleet) {
            old = List.copyOf(fleet);
            fleet.clear();
            for (String name : List.of("d", "e", "f")) { // new folders: no state file to resume from
                fleet.add(instance(name));
            }
        }
        assertThat(fleet).as("new instances, started with empty state folders, serve the fleet's step at once")
                .allMatch(i -> state(i).equals("progressing@1") && weights(i).equals("5000"));
        for (Instance i : old) {
            i.drain(Duration.ofSeconds(2));
            i.close();
        }
        await("promotion", Duration.ofSeconds(30), () -> all("promoted@2"));
        assertThat(failures).isEmpty();
    }

    static long canaryTrials(Instance i) {
        List<Gate> g = i.controllers().get("web").gates();
        return g.isEmpty() ? 0 : g.get(0).canaryTrials();
    }
}
