package dev.fader.metrics;

import dev.fader.analysis.Controllers;
import dev.fader.cluster.Fleet;
import dev.fader.config.Address;
import dev.fader.config.UpstreamConfig;
import dev.fader.config.RolloutConfig;
import dev.fader.feedback.DistinctUsers;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.Verdicts;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.proxy.ProxyServer;
import dev.fader.routing.CompiledLayer;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The contract's metrics: {@code fader_requests_total{rollout,variant,upstream,outcome}},
 * {@code fader_upstream_latency_seconds{rollout,variant}} (time to the upstream's first byte),
 * {@code fader_reloads_total{result}}, {@code fader_config_epoch} and
 * {@code fader_rollout_weight_ratio{rollout,layer,variant}}; plus client aborts, retries, JVM, Netty
 * event loops, connections and cache statistics; a model's answers in {@link ModelMetrics}.
 */
public final class ProxyMetrics implements OutcomeSink {
    /** Outcome kinds by their label, to read the request counters back. */
    private static final Map<String, Outcome.Kind> KINDS = java.util.Arrays.stream(Outcome.Kind.values())
            .collect(java.util.stream.Collectors.toMap(Outcome.Kind::label, k -> k));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Map<String, Map<String, Meters>>> meters = new ConcurrentHashMap<>();
    private final Set<String> weightGauges = ConcurrentHashMap.newKeySet();
    private final Set<String> boundCaches = ConcurrentHashMap.newKeySet();
    private final Set<String> endpointGauges = ConcurrentHashMap.newKeySet();
    private final Supplier<RoutingTable> table;
    private final ModelMetrics model = new ModelMetrics(registry);
    private volatile EngineMetrics engine;
    private volatile ProxyServer proxy;

    public ProxyMetrics(Supplier<RoutingTable> table) {
        this.table = table;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("fader.config.epoch", () -> table.get().epoch())
                .description("epoch of the routing snapshot in use").register(registry);
        // Present from the start at 0, so a dashboard or check finds them before the first reload.
        reloads(true);
        reloads(false);
        for (String reason : List.of("missing", "invalid", "wrong-kind", "rate-limited", "host", "origin", "content-type")) {
            authFailures(reason);
        }
    }

    private Counter reloads(boolean ok) {
        return Counter.builder("fader.reloads").tag("result", ok ? "ok" : "error").description("config reloads")
                .register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Event loop gauges (pending tasks, workers), connection gauges and endpoint health of the running proxy. */
    public void bindProxy(ProxyServer proxy) {
        this.proxy = proxy;
        new NettyEventExecutorMetrics(proxy.eventLoops()).bindTo(registry);
        Gauge.builder("fader.client.connections", proxy::openConnections).description("open client connections")
                .register(registry);
        Gauge.builder("fader.upstream.idle.connections", proxy::idleUpstreamConnections)
                .description("idle pooled upstream connections, all event loops").register(registry);
    }

    /** The fleet's health as this instance sees it: etcd reachable, leading, and failed etcd calls. */
    public void bindFleet(Fleet fleet) {
        Gauge.builder("fader.cluster.connected", () -> fleet.status().connected() ? 1 : 0)
                .description("1 while etcd answered the last look, else 0 (serving with the last states applied)")
                .register(registry);
        Gauge.builder("fader.cluster.leader", () -> fleet.status().leader().equals(fleet.status().instance()) ? 1 : 0)
                .description("1 on the instance that leads the fleet's rollouts").register(registry);
        FunctionCounter.builder("fader.cluster.errors", fleet, Fleet::errors)
                .description("etcd calls that failed (unreachable, timed out or refused)").register(registry);
    }

    @Override
    public void record(Outcome o) {
        if (o.rollout().isEmpty()) {
            return;
        }
        Meters m = meters(o.rollout(), o.variant(), o.route().upstream());
        if (o.answer() != null) {
            model.record(o);
        }
        if (o.kind() == Outcome.Kind.CLIENT_ABORT) {
            m.clientAborts.increment();
            return;
        }
        m.requests[o.kind().ordinal()].increment();
        if (o.retried()) {
            m.retries.increment();
        }
        if (o.route().fallback()) {
            m.fallbacks.increment();
            return; // the baseline's latency says nothing of this variant
        }
        long latency = o.firstByteNanos() >= 0 ? o.firstByteNanos() : o.totalNanos();
        m.latency.record(latency, TimeUnit.NANOSECONDS);
    }

    public void transition(String rollout, String to) {
        Counter.builder("fader.rollout.transitions").tags("rollout", rollout, "to", to)
                .description("progressive rollout state changes").register(registry).increment();
    }

    /** Feedback counted on a variant; {@code source}: {@code user} (by user key), {@code answer} (by request id) or {@code judge}. */
    public void feedback(String rollout, String variant, boolean positive, String source) {
        model.feedback(rollout, variant, positive, source);
    }

    /** What came of an answer sampled for a judge: scored, invalid, timeout, failed or dropped (all slots busy). */
    public void judged(String rollout, String result) {
        Counter.builder("fader.judge.requests").tags("rollout", rollout, "result", result)
                .description("answers sampled for the judge, by what came of them").register(registry).increment();
    }

    /** A shadow copy's fate: compared, dropped, skipped or error. */
    public void shadowed(String rollout, String result) {
        Counter.builder("fader.shadow.requests").tags("rollout", rollout, "result", result)
                .description("shadow copies by what came of them").register(registry).increment();
    }

    /** A field (JSON pointer, status or content-type) in which the candidate's answer differed from the primary's. */
    public void shadowDifference(String rollout, String field) {
        Counter.builder("fader.shadow.differences").tags("rollout", rollout, "field", field)
                .description("candidate answers that differed from the primary's in a field").register(registry)
                .increment();
    }

    /** An admin request refused by its checks: {@code reason} is missing, invalid, wrong-kind, rate-limited, host, origin or content-type. */
    public void adminRefused(String reason) {
        authFailures(reason).increment();
    }

    private Counter authFailures(String reason) {
        return Counter.builder("fader.admin.auth.failures").tag("reason", reason)
                .description("admin requests refused: bad or missing credentials, a foreign Host or Origin, a form body")
                .register(registry);
    }

    /** A rollout's state could not be written (its folder unwritable, the disk full). */
    public void stateWriteError(String rollout) {
        stateWriteErrors(rollout).increment();
    }

    private Counter stateWriteErrors(String rollout) {
        return Counter.builder("fader.state.write.errors").tag("rollout", rollout)
                .description("failed writes of a rollout's state; no step up until one succeeds").register(registry);
    }

    /** {@code fader_log_lines_dropped_total{log}}: lines a log lost (its queue full, or the disk refusing them). */
    public void bindLog(String log, java.util.function.LongSupplier dropped) {
        FunctionCounter.builder("fader.log.lines.dropped", dropped, d -> d.getAsLong()).tag("log", log)
                .description("log lines lost: the writer's queue was full or the disk refused them").register(registry);
    }

    public void reload(boolean ok) {
        reloads(ok).increment();
    }

    /**
     * Registers gauges for layers, variants and endpoints that appeared; their values read the live table
     * and health. {@code fader_endpoint_healthy{upstream,endpoint}}: see {@link ProxyServer#healthValue}.
     */
    public void tableChanged(RoutingTable t) {
        for (RolloutConfig r : t.config().rollouts()) {
            if (r.progressive() != null) {
                stateWriteErrors(r.name()); // at 0 from the start, so an alert on its increase sees data
            }
        }
        for (UpstreamConfig u : t.config().upstreams().values()) {
            for (Address a : u.endpoints()) {
                if (endpointGauges.add(u.name() + '\u0000' + a)) {
                    Gauge.builder("fader.endpoint.healthy", () -> {
                        ProxyServer p = proxy;
                        UpstreamConfig now = table.get().upstream(u.name());
                        boolean current = now != null && now.endpoints().contains(a); // a reload may drop it
                        return p == null || !current ? Double.NaN : p.healthValue(u.name(), a);
                    }).tags("upstream", u.name(), "endpoint", a.toString())
                            .description("1: the endpoint serves and has shown it can; 0: failing its health check"
                                    + " or ejected; NaN: first check pending, or no longer in the pool").register(registry);
                }
            }
        }
        for (CompiledRollout r : t.rollouts()) {
            for (CompiledLayer l : r.layers()) {
                if (l.isForce()) {
                    continue;
                }
                for (String v : r.variants().keySet()) {
                    String key = r.name() + '\u0000' + l.name() + '\u0000' + v;
                    if (weightGauges.add(key)) {
                        Gauge.builder("fader.rollout.weight.ratio", () -> weight(r.name(), l.name(), v))
                                .tags("rollout", r.name(), "layer", l.name(), "variant", v)
                                .description("configured share of a variant in a layer, 0..1").register(registry);
                    }
                }
            }
        }
    }

    /** Gauges of the distinct-user trackers created since the last call: users tracked, and whether full. */
    public void bindCaches(FeedbackWindows windows) {
        for (Map.Entry<String, DistinctUsers> e : windows.userTrackers().entrySet()) {
            if (boundCaches.add(e.getKey())) {
                DistinctUsers d = e.getValue();
                Gauge.builder("fader.distinct.users.tracked", d::tracked).tag("rollout", e.getKey())
                        .description("sampled distinct users counted this period for the sample-ratio check")
                        .register(registry);
            }
        }
    }

    public String scrape() {
        EngineMetrics e = engine;
        if (e != null) {
            e.refresh();
        }
        return registry.scrape();
    }

    /**
     * Requests of one variant counted so far, as {@code fader_requests_total} has them: {all answered by an
     * upstream, of which errors (5xx, connect errors, timeouts, resets)}; fallbacks and refusals left out.
     */
    public long[] requestTotals(String rollout, String variant) {
        long all = 0;
        long errors = 0;
        for (Counter c : registry.find("fader.requests").tags("rollout", rollout, "variant", variant).counters()) {
            Outcome.Kind kind = KINDS.get(c.getId().getTag("outcome"));
            if (kind == null || kind == Outcome.Kind.FALLBACK || kind == Outcome.Kind.UNAVAILABLE) {
                continue;
            }
            all += (long) c.count();
            errors += kind.isError() ? (long) c.count() : 0;
        }
        return new long[] {all, errors};
    }

    /** The decision engine's view: rollout states and steps, gate evidence, sample-ratio mismatches. */
    public void bindEngine(Controllers controllers, FeedbackWindows windows, Verdicts verdicts) {
        engine = new EngineMetrics(registry, table, controllers, windows, verdicts);
    }

    private double weight(String rollout, String layer, String variant) {
        CompiledRollout r = table.get().rollout(rollout);
        if (r == null) {
            return Double.NaN;
        }
        for (CompiledLayer l : r.layers()) {
            if (l.name().equals(layer)) {
                return l.shareOf(variant) / 10_000.0;
            }
        }
        return Double.NaN;
    }

    private Meters meters(String rollout, String variant, String upstream) {
        Map<String, Map<String, Meters>> byVariant = meters.computeIfAbsent(rollout, k -> new ConcurrentHashMap<>());
        Map<String, Meters> byUpstream = byVariant.computeIfAbsent(variant, k -> new ConcurrentHashMap<>());
        Meters m = byUpstream.get(upstream);
        return m != null ? m : byUpstream.computeIfAbsent(upstream, u -> new Meters(rollout, variant, u));
    }

    /** The meters of one (rollout, variant, upstream), looked up once and then only incremented. */
    private final class Meters {
        final Counter[] requests = new Counter[Outcome.Kind.values().length];
        final Timer latency;
        final Counter clientAborts;
        final Counter retries;
        final Counter fallbacks;

        Meters(String rollout, String variant, String upstream) {
            for (Outcome.Kind k : Outcome.Kind.values()) {
                if (k == Outcome.Kind.CLIENT_ABORT) {
                    continue; // counted apart: the contract's outcomes are the upstream's
                }
                requests[k.ordinal()] = Counter.builder("fader.requests")
                        .tags("rollout", rollout, "variant", variant, "upstream", upstream, "outcome", k.label())
                        .description("proxied requests by outcome").register(registry);
            }
            latency = Timer.builder("fader.upstream.latency").tags("rollout", rollout, "variant", variant)
                    .description("time to the upstream's first response byte")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
            clientAborts = Counter.builder("fader.client.aborts").tags("rollout", rollout, "variant", variant)
                    .description("requests the client gave up on; not counted against the upstream").register(registry);
            retries = Counter.builder("fader.retries").tags("rollout", rollout, "variant", variant)
                    .description("requests retried once (connect failure or idempotent reset)").register(registry);
            fallbacks = Counter.builder("fader.fallbacks").tags("rollout", rollout, "variant", variant)
                    .description("requests of this variant served by the rollout's baseline pool because its own"
                            + " pool had no usable endpoint").register(registry);
        }
    }
}
