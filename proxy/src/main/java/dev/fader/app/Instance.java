package dev.fader.app;

import dev.fader.admin.AdminApi;
import dev.fader.admin.AdminServer;
import dev.fader.admin.History;
import dev.fader.analysis.Controllers;
import dev.fader.analysis.Engine;
import dev.fader.cluster.Fleet;
import dev.fader.cluster.FleetStatus;
import dev.fader.config.Address;
import dev.fader.config.FaderConfig;
import dev.fader.feedback.AccessLog;
import dev.fader.feedback.AnswerLedger;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.FeedbackEvents;
import dev.fader.feedback.FeedbackLog;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.Judges;
import dev.fader.feedback.OutcomeSink;
import dev.fader.feedback.RolloutReport;
import dev.fader.feedback.SampleRatio;
import dev.fader.feedback.SeenUsers;
import dev.fader.feedback.Verdicts;
import dev.fader.metrics.ProxyMetrics;
import dev.fader.proxy.EndpointHealth;
import dev.fader.proxy.ProxyServer;
import dev.fader.routing.ReloadImpact;
import dev.fader.routing.RoutingTable;
import dev.fader.shadow.Shadows;
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
 * One running Fader, the application root: builds the proxy, feedback windows, metrics, logs,
 * progressive controllers and admin API from a config, and owns the one way routing ever changes,
 * {@link #publish}, used by reloads and controllers alike.
 */
public final class Instance implements AdminApi, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Instance.class);

    private final FaderConfig initial;
    private final AtomicLong epoch = new AtomicLong(1);
    private final FeedbackWindows windows;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;
    private final ProxyServer proxy;
    private final FeedbackLog feedbackLog;
    private final Controllers controllers;
    private final Engine engine;
    private final AnswerLedger answers;
    private final SeenUsers seenUsers;
    private final Object reloadTurn = new Object(); // one reload at a time, apart from the lock the tick takes
    private final FeedbackDesk feedback;
    private final Judges judges;
    private final Shadows shadows;
    private final Reloader reloader;
    private final Fleet fleet; // null when this instance runs alone
    private final History history;
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
        this.initial = config;
        this.windows = new FeedbackWindows(System::nanoTime, config.feedback());
        Path base = configPath.toAbsolutePath().getParent();
        ProxyServer[] self = new ProxyServer[1];
        this.metrics = new ProxyMetrics(() -> self[0].table());
        this.controllers = new Controllers(clockMillis, base == null ? Path.of(".") : base,
                (name, state) -> metrics.transition(name, state.phase().label()), this::splitProblem);
        controllers.onWriteError(metrics::stateWriteError);
        controllers.reconcile(config);
        this.accessLog = AccessLog.open(config.accessLog());
        RoutingTable first = RoutingTable.compile(config, epoch.get(), controllers.overrides());
        this.engine = new Engine(controllers, config.feedback(), first);
        this.answers = new AnswerLedger(config.feedback().rememberAnswers(), config.feedback().window().toNanos(),
                System::nanoTime);
        this.seenUsers = new SeenUsers(config.feedback().rememberUsers(), config.feedback().window().toNanos(),
                System::nanoTime);
        FeedbackEvents events = FeedbackEvents.open(config.feedback().events());
        metrics.bindLog("feedback-events", events::dropped);
        if (accessLog != null) {
            metrics.bindLog("access", accessLog::dropped);
        }
        this.feedback = new FeedbackDesk(windows, controllers, engine, metrics, events, answers);
        this.judges = new Judges(() -> self[0].table(), feedback::accept, metrics::judged);
        this.shadows = new Shadows(() -> self[0].table(), metrics::shadowed, metrics::shadowDifference);
        OutcomeSink sink = windows.and(metrics).and(controllers).and(engine).and(answers).and(seenUsers).and(judges).and(shadows);
        if (accessLog != null) {
            sink = sink.and(accessLog);
        }
        this.proxy = new ProxyServer(first, sink, threads);
        self[0] = proxy;
        metrics.bindProxy(proxy);
        metrics.tableChanged(proxy.table());
        this.feedbackLog = new FeedbackLog(proxy::table, windows, engine);
        metrics.bindEngine(controllers, windows, engine);
        this.history = new History(proxy::table, windows, metrics, controllers, config.feedback().window(), Duration.ofSeconds(1));
        this.reloader = new Reloader(configPath, epoch, proxy::table, controllers, this::publish, this);
        this.lastReload = new ReloadStatus(true, epoch.get(), System.currentTimeMillis(), List.of(), List.of(), List.of(),
                false);
        this.fleet = config.cluster() == null ? null
                : new Fleet(config.cluster(), controllers, this::publishControllerWeights, clockMillis, System::nanoTime);
        if (fleet != null) {
            metrics.bindFleet(fleet);
        }
        if (autoTick) {
            ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * The one way routing changes: requests from now on take {@code next}; those in flight keep the
     * snapshot they started with. Users seen under a split that changed are counted anew.
     */
    synchronized void publish(RoutingTable next) {
        RoutingTable before = proxy.table();
        proxy.swap(next);
        engine.follow(next);
        metrics.tableChanged(next);
        ReloadImpact.changedRollouts(before, next).forEach(windows::forgetUsers);
    }

    /** Why a rollout's split cannot be trusted now (its sample-ratio check flags a mismatch), or null. */
    private String splitProblem(String rollout) {
        for (RolloutReport r : RolloutReport.of(proxy.table(), windows, Verdicts.NONE)) {
            if (r.name().equals(rollout)) {
                for (SampleRatio s : r.sampleRatios()) {
                    if (s.mismatch()) {
                        return String.format("sample ratio mismatch in layer %s: users %s for shares %s (basis points),"
                                + " evidence %.3g of %.3g needed; check the split and the user key", s.layer(), s.users(),
                                s.sharesBasisPoints(), s.evidence(), 1 / SampleRatio.ALPHA);
                    }
                }
            }
        }
        return null;
    }

    /**
     * Lets the progressive controllers look at their evidence; publishes when a weight moved. In a fleet the
     * leader looks instead, at the fleet's evidence, and every instance applies what it writes.
     */
    public synchronized void tick() {
        try {
            if (fleet == null && controllers.tick()) {
                publishControllerWeights();
            }
            engine.tick();
            history.sample(System.currentTimeMillis()); // wall time: the page's charts show clock time
        } catch (RuntimeException e) {
            log.error("progressive tick failed", e);
        }
    }

    private synchronized void publishControllerWeights() {
        RoutingTable now = proxy.table();
        publish(RoutingTable.compile(now.config(), now.epoch(), controllers.overrides()));
    }

    /** Binds the proxy and, when configured, the admin API. */
    public Instance start() throws InterruptedException {
        if (fleet != null) {
            fleet.start(); // the fleet's weights before the first request
        }
        proxyAddress = proxy.start(initial.listen());
        if (initial.admin() != null) {
            admin = new AdminServer(proxy.transport().newGroup(1, "fader-admin"));
            adminAddress = admin.start(initial.admin(), proxy.transport().serverChannel(), this);
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

    /** Reloads the file now; never holds the lock the progressive tick takes while it reads (see {@link Reloader}). */
    @Override
    public ReloadStatus reload() {
        synchronized (reloadTurn) {
            lastReload = reloader.reload(System.currentTimeMillis());
            metrics.reload(lastReload.ok());
            return lastReload;
        }
    }

    @Override
    public ControlResult control(String rollout, String action) {
        if (table().rollout(rollout) == null) {
            return null;
        }
        if (fleet != null) {
            Fleet.Answer a = fleet.control(rollout, action);
            return a == null ? new ControlResult(409, "rollout '" + rollout
                    + "' has no progressive block: its weights come from the file") : new ControlResult(a.status(), a.message());
        }
        Controllers.ControlOutcome c;
        synchronized (this) {
            c = controllers.control(rollout, action);
            if (c != null && c.applied()) {
                publishControllerWeights();
            }
        }
        if (c == null) {
            return new ControlResult(409, "rollout '" + rollout + "' has no progressive block: its weights come from the file");
        }
        return new ControlResult(c.applied() ? 200 : 409, c.message());
    }

    @Override
    public Verdicts verdicts() {
        return engine;
    }

    @Override
    public Controllers controllers() {
        return controllers;
    }

    @Override
    public void feedback(Feedback f) {
        feedback.accept(f);
    }

    @Override
    public Shadows shadows() {
        return shadows;
    }

    @Override
    public AnswerLedger.Entry answer(String answerId) {
        return answers.find(answerId);
    }

    @Override
    public SeenUsers.Entry seenUser(String rollout, int keyHash, int userTag) {
        return seenUsers.find(rollout, keyHash, userTag);
    }

    @Override
    public EndpointState endpoint(String upstream, Address endpoint) {
        EndpointHealth h = proxy.health(upstream, endpoint);
        return new EndpointState(h == null ? "unchecked" : h.status().label(), h == null ? null : h.lastFailure(),
                proxy.ejected(endpoint));
    }

    @Override
    public History history() {
        return history;
    }

    @Override
    public FleetStatus cluster() {
        return fleet == null ? null : fleet.status();
    }

    /** The fleet this instance belongs to, or null. */
    public Fleet fleet() {
        return fleet;
    }

    /** Stops accepting, lets requests in flight finish up to {@code timeout}; /healthz answers 503 meanwhile. */
    public boolean drain(Duration timeout) throws InterruptedException {
        return proxy.drain(timeout);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (fleet != null) {
            fleet.close();
        }
        feedbackLog.close();
        reloader.close();
        proxy.close();
        judges.close();
        shadows.close();
        feedback.close();
        if (admin != null) {
            admin.close();
        }
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
