package dev.fader.cli;

import dev.fader.admin.AdminApi;
import dev.fader.analysis.Controllers;
import dev.fader.admin.AdminServer;
import dev.fader.config.ConfigError;
import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.feedback.AccessLog;
import dev.fader.feedback.FeedbackLog;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.OutcomeSink;
import dev.fader.metrics.ProxyMetrics;
import dev.fader.proxy.ProxyServer;
import dev.fader.routing.ReloadImpact;
import dev.fader.routing.RoutingTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Fader: proxy, feedback windows, metrics, access and feedback logs, and the admin API,
 * wired together. A reload is load -> validate -> compile -> swap, or nothing.
 */
public final class Instance implements AdminApi, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Instance.class);

    private final Path configPath;
    private final FaderConfig initial;
    private final AtomicLong epoch = new AtomicLong(1);
    private final FeedbackWindows windows;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;
    private final ProxyServer proxy;
    private final FeedbackLog feedbackLog;
    private final Controllers controllers;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fader-progressive");
        t.setDaemon(true);
        return t;
    });
    private AdminServer admin;
    private InetSocketAddress proxyAddress;
    private InetSocketAddress adminAddress;
    private volatile ReloadStatus lastReload;

    public Instance(Path configPath, FaderConfig config, int threads) throws IOException {
        this(configPath, config, threads, System::currentTimeMillis, true);
    }

    /**
     * {@code clockMillis} drives progressive rollouts; with {@code autoTick} false nothing ticks them but
     * {@link #tick()}, so tests walk steps with a fake clock and no sleeping.
     */
    public Instance(Path configPath, FaderConfig config, int threads, LongSupplier clockMillis, boolean autoTick)
            throws IOException {
        this.configPath = configPath;
        this.initial = config;
        this.windows = new FeedbackWindows(System::nanoTime, config.feedback());
        Path base = configPath.toAbsolutePath().getParent();
        this.controllers = new Controllers(clockMillis, base == null ? Path.of(".") : base,
                (name, state) -> metrics().transition(name, state.phase().label()));
        controllers.reconcile(config);
        this.accessLog = AccessLog.open(config.accessLog());
        ProxyServer[] self = new ProxyServer[1];
        this.metrics = new ProxyMetrics(() -> self[0].table());
        OutcomeSink sink = windows.and(metrics).and(controllers);
        if (accessLog != null) {
            sink = sink.and(accessLog);
        }
        this.proxy = new ProxyServer(RoutingTable.compile(config, epoch.get(), controllers.overrides()), sink, threads);
        self[0] = proxy;
        metrics.tableChanged(proxy.table());
        metrics.bindProxy(proxy.eventLoops(), proxy::openConnections, proxy::idleUpstreamConnections);
        this.feedbackLog = new FeedbackLog(proxy::table, windows);
        this.lastReload = new ReloadStatus(true, epoch.get(), System.currentTimeMillis(), List.of(), List.of());
        if (autoTick) {
            ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Lets the progressive controllers look at their evidence; republishes routing when a weight moved. */
    public synchronized void tick() {
        try {
            if (controllers.tick()) {
                republish();
            }
        } catch (RuntimeException e) {
            log.error("progressive tick failed", e);
        }
    }

    /** A new snapshot of the same config with the controllers' current weights. */
    private synchronized void republish() {
        RoutingTable now = proxy.table();
        RoutingTable next = RoutingTable.compile(now.config(), now.epoch(), controllers.overrides());
        ReloadImpact.changedRollouts(now, next).forEach(windows::forgetUsers);
        proxy.swap(next);
        metrics.tableChanged(next);
    }

    /** Binds the proxy and, when configured, the admin API. */
    public Instance start() throws InterruptedException {
        proxyAddress = proxy.start(initial.listen());
        if (initial.admin() != null) {
            admin = new AdminServer(proxy.transport().newGroup(1, "fader-admin"));
            adminAddress = admin.start(initial.admin(), proxy.transport().serverChannel(), this, initial.adminToken());
            log.info("admin API on http://{}:{}/ (status, metrics, reload)", adminAddress.getHostString(),
                    adminAddress.getPort());
        }
        return this;
    }

    public InetSocketAddress proxyAddress() {
        return proxyAddress;
    }

    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    @Override
    public RoutingTable table() {
        return proxy.table();
    }

    @Override
    public FeedbackWindows windows() {
        return windows;
    }

    @Override
    public ProxyMetrics metrics() {
        return metrics;
    }

    @Override
    public boolean draining() {
        return proxy.draining();
    }

    @Override
    public ReloadStatus lastReload() {
        return lastReload;
    }

    @Override
    public synchronized ReloadStatus reload() {
        long now = System.currentTimeMillis();
        FaderConfig next;
        try {
            next = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
            log.error("reload of {} refused, running config (epoch {}) kept:\n{}", configPath, table().epoch(),
                    String.join("\n", errors));
            metrics.reload(false);
            lastReload = new ReloadStatus(false, table().epoch(), now, errors, List.of());
            return lastReload;
        }
        controllers.reconcile(next);
        RoutingTable table = RoutingTable.compile(next, epoch.incrementAndGet(), controllers.overrides());
        if (!next.listen().equals(initial.listen()) || !java.util.Objects.equals(next.admin(), initial.admin())) {
            log.warn("listen/admin changed in {}: that needs a restart; still serving on the old addresses", configPath);
        }
        RoutingTable before = proxy.table();
        proxy.swap(table);
        metrics.tableChanged(table);
        metrics.reload(true);
        List<String> impact = ReloadImpact.describe(before, table);
        ReloadImpact.changedRollouts(before, table).forEach(windows::forgetUsers);
        log.info("reloaded {}: epoch {}{}", configPath, table.epoch(), impact.isEmpty() ? " (no routing change)"
                : impact.stream().map(l -> "\n  " + l).reduce("", String::concat));
        lastReload = new ReloadStatus(true, table.epoch(), now, List.of(), impact);
        return lastReload;
    }

    @Override
    public ControlResult control(String rollout, String action) {
        if (table().rollout(rollout) == null) {
            return null;
        }
        Controllers.ControlOutcome c;
        synchronized (this) {
            c = controllers.control(rollout, action);
            if (c != null && c.applied()) {
                republish();
            }
        }
        if (c == null) {
            return new ControlResult(409, "rollout '" + rollout + "' has no progressive block: its weights come from the file");
        }
        return new ControlResult(c.applied() ? 200 : 409, c.message());
    }

    @Override
    public Controllers controllers() {
        return controllers;
    }

    @Override
    public void explicitFeedback(String rollout, String variant, boolean positive, Double score) {
        windows.feedback(rollout, variant, positive, score);
        controllers.feedback(rollout, variant, positive);
    }

    /** Stops accepting, lets requests in flight finish up to {@code timeout}; /healthz answers 503 meanwhile. */
    public boolean drain(Duration timeout) throws InterruptedException {
        return proxy.drain(timeout);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        feedbackLog.close();
        proxy.close();
        if (admin != null) {
            admin.close();
        }
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
