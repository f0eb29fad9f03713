package dev.fader.cli;

import dev.fader.admin.AdminApi;
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
import java.util.concurrent.atomic.AtomicLong;
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
    private AdminServer admin;
    private InetSocketAddress proxyAddress;
    private InetSocketAddress adminAddress;
    private volatile ReloadStatus lastReload;

    public Instance(Path configPath, FaderConfig config, int threads) throws IOException {
        this.configPath = configPath;
        this.initial = config;
        this.windows = new FeedbackWindows(System::nanoTime, config.feedback());
        this.accessLog = AccessLog.open(config.accessLog());
        ProxyServer[] self = new ProxyServer[1];
        this.metrics = new ProxyMetrics(() -> self[0].table());
        OutcomeSink sink = windows.and(metrics);
        if (accessLog != null) {
            sink = sink.and(accessLog);
        }
        this.proxy = new ProxyServer(RoutingTable.compile(config, epoch.get()), sink, threads);
        self[0] = proxy;
        metrics.tableChanged(proxy.table());
        metrics.bindProxy(proxy.eventLoops(), proxy::openConnections, proxy::idleUpstreamConnections);
        this.feedbackLog = new FeedbackLog(proxy::table, windows);
        this.lastReload = new ReloadStatus(true, epoch.get(), System.currentTimeMillis(), List.of(), List.of());
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
        RoutingTable table = RoutingTable.compile(next, epoch.incrementAndGet());
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
        return new ControlResult(409, "rollout '" + rollout + "' has no progressive block: its weights come from the file");
    }

    /** Stops accepting, lets requests in flight finish up to {@code timeout}; /healthz answers 503 meanwhile. */
    public boolean drain(Duration timeout) throws InterruptedException {
        return proxy.drain(timeout);
    }

    @Override
    public void close() {
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
