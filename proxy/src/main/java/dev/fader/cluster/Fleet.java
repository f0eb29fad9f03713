package dev.fader.cluster;

import dev.fader.analysis.Controllers;
import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.analysis.StateStore;
import dev.fader.analysis.Tallies;
import dev.fader.config.ClusterConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's part in a fleet, every {@code interval} on its own thread: renew its lease, publish what
 * it counted, apply the fleet's rollout states (also pushed by a watch as they are written), show the
 * fleet's evidence, and, when elected, judge it ({@link FleetLeader}). Manual control writes to etcd
 * from any instance. While etcd cannot be reached the instance serves with the last states it applied and
 * nothing advances; {@link #status} says {@code connected: false} and {@link #errors} counts the failures.
 */
public final class Fleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("fader.cluster");

    private final ClusterConfig config;
    private final Controllers controllers;
    private final Runnable republish;
    private final LongSupplier clockMillis;
    private final Etcd etcd;
    private final FleetKeys keys;
    private final String run; // this process's run: its counts key, so a restart never overwrites what it counted before
    private final Leadership leadership;
    private final FleetLeader leader;
    private final LongAdder errors = new LongAdder();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fader-cluster");
        t.setDaemon(true);
        return t;
    });
    private long lease;
    private final Map<String, String> published = new HashMap<>(); // rollout -> the counts last written
    private Watch.Watcher watcher;
    private volatile FleetStatus status;
    private volatile boolean halted;

    /** {@code republish}: builds routing anew from the controllers' weights (the application root's one way). */
    public Fleet(ClusterConfig config, Controllers controllers, Runnable republish, LongSupplier clockMillis,
            LongSupplier nanos) {
        this.config = config;
        this.controllers = controllers;
        this.republish = republish;
        this.clockMillis = clockMillis;
        this.etcd = new Etcd(config.etcd(), config.lease().dividedBy(2));
        this.keys = new FleetKeys(config.prefix());
        this.run = config.instance() + "@" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        this.leadership = new Leadership(etcd, keys, config.instance());
        this.leader = new FleetLeader(nanos, clockMillis);
        this.status = new FleetStatus(config.instance(), "", List.of(), false, "not yet connected");
    }

    /**
     * Takes a first look before returning, so an instance that joins a fleet mid-rollout serves the fleet's
     * weights from its first request (when etcd answers; else, after the timeout, its own last known), then
     * looks every interval.
     */
    public Fleet start() {
        long every = config.interval().toMillis();
        try {
            loop.submit(this::tick).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.error("first fleet look failed", e.getCause());
        }
        loop.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    public FleetStatus status() {
        return status;
    }

    /** etcd calls that failed (unreachable, timed out, refused), since start. */
    public long errors() {
        return errors.sum();
    }

    /** One look, on the fleet's thread; tests call it directly. */
    void tick() {
        try {
            renewSession();
            Map<String, KeyValue> states = readStates();
            states.forEach((rollout, kv) -> adopt(kv));
            watchStates();
            Map<String, List<Tallies.Period>> fleetCounts = publishAndSumCounts();
            boolean leading = leadership.tick(lease);
            for (RolloutController c : controllers.all()) {
                List<Tallies.Period> periods = fleetCounts.getOrDefault(c.name(), List.of());
                c.showFleetGates(c.judgeFleet(periods));
                leader.look(c, states.get(c.name()), periods, leading ? controllers.splitProblem(c.name()) : null,
                        leading, this::write);
            }
            FleetStatus before = status;
            status = new FleetStatus(config.instance(), leadership.leader(), members(), true, null);
            if (!before.connected()) {
                log.info("in the fleet at {}: leader {}, instances {}", config.etcd(), status.leader(), status.instances());
            }
        } catch (Etcd.Unavailable e) {
            if (loop.isShutdown()) {
                return; // interrupted by close() or halt(): not an outage
            }
            errors.increment();
            if (status.connected()) {
                log.warn("etcd unreachable ({}): serving with the last rollout states applied; nothing advances", e.getMessage());
            }
            status = new FleetStatus(config.instance(), leadership.leading() ? config.instance() : status.leader(),
                    status.instances(), false, e.getMessage());
        } catch (RuntimeException e) {
            errors.increment();
            log.error("fleet tick failed", e);
        }
    }

    /** A lease for this run (its member key and, when it leads, the leader key); a new one when etcd forgot it. */
    private void renewSession() throws Etcd.Unavailable {
        if (lease != 0 && etcd.keepAlive(lease)) {
            return;
        }
        if (lease != 0) {
            log.warn("fleet lease of {} expired while etcd was away: rejoining", run);
            leadership.lost();
            leader.stepDown();
        }
        lease = etcd.grant(config.lease().toSeconds());
        published.clear(); // etcd may have lost them with its data: write them again
        etcd.put(keys.member(run), config.instance(), lease);
    }

    private Map<String, KeyValue> readStates() throws Etcd.Unavailable {
        Map<String, KeyValue> out = new HashMap<>();
        for (KeyValue kv : etcd.range(keys.states())) {
            out.put(keys.rolloutOf(kv.getKey()), kv);
        }
        return out;
    }

    /** A state written to etcd, applied here: the controller's new weights, then routing republished. */
    private void adopt(KeyValue kv) {
        String rollout = keys.rolloutOf(kv.getKey());
        RolloutState s = FleetLeader.parse(rollout, kv);
        if (s != null && controllers.adopt(rollout, s, kv.getModRevision(), false)) {
            republish.run();
        }
    }

    /** States are pushed as they are written; the read on every tick covers a broken watch until it is back. */
    private void watchStates() {
        if (watcher != null) {
            return;
        }
        watcher = etcd.watch(keys.states(), 0, response -> {
            for (WatchEvent e : response.getEvents()) {
                if (e.getEventType() == WatchEvent.EventType.PUT) {
                    KeyValue kv = e.getKeyValue();
                    if (!loop.isShutdown()) {
                        loop.execute(() -> adopt(kv));
                    }
                }
            }
        }, broken -> loop.submit(() -> {
            if (watcher != null) {
                watcher.close();
                watcher = null;
            }
        }));
    }

    /** Publishes this run's counts of each rollout, and reads back the fleet's: every run's, summed by period. */
    private Map<String, List<Tallies.Period>> publishAndSumCounts() throws Etcd.Unavailable {
        Map<String, List<Tallies.Period>> out = new HashMap<>();
        for (RolloutController c : controllers.all()) {
            String fingerprint = c.state().fingerprint();
            String counts = PeriodsJson.write(c.periods());
            if (!counts.equals(published.get(c.name()))) { // an idle rollout adds no revisions to etcd's history
                etcd.put(keys.counts(c.name(), fingerprint, run), counts, 0);
                published.put(c.name(), counts);
            }
            List<List<Tallies.Period>> runs = new ArrayList<>();
            for (KeyValue kv : etcd.range(keys.counts(c.name(), fingerprint))) {
                try {
                    runs.add(PeriodsJson.read(FleetKeys.text(kv.getValue())));
                } catch (IOException e) {
                    log.error("rollout {}: skipping counts at {}: {}", c.name(), FleetKeys.text(kv.getKey()), e.getMessage());
                }
            }
            out.put(c.name(), PeriodsJson.sum(runs));
        }
        return out;
    }

    private List<String> members() throws Etcd.Unavailable {
        TreeSet<String> names = new TreeSet<>();
        for (KeyValue kv : etcd.range(keys.members())) {
            names.add(FleetKeys.text(kv.getValue()));
        }
        return List.copyOf(names);
    }

    /**
     * Writes {@code next} over the state at {@code revision} (0: none yet) if nobody wrote in between, and
     * for the leader ({@code guarded}) only while it leads; applies it here at once. The new revision, or 0.
     */
    private long write(String rollout, long revision, RolloutState next, boolean guarded) throws Etcd.Unavailable {
        ByteSequence key = keys.state(rollout);
        List<Cmp> ifs = new ArrayList<>(List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision))));
        if (guarded) {
            ifs.add(leadership.stillLeading());
        }
        TxnResponse r = etcd.txn("write the state of " + rollout, ifs,
                List.of(Op.put(key, FleetKeys.bytes(StateStore.json(next)), PutOption.DEFAULT)));
        if (!r.isSucceeded()) {
            return 0;
        }
        long written = r.getHeader().getRevision();
        if (controllers.adopt(rollout, next, written, true)) {
            republish.run();
        }
        return written;
    }

    /** A manual action's answer: an HTTP status and what happened. */
    public record Answer(int status, String message) {
    }

    /**
     * Manual control on this instance acts on the fleet: the action applies to the fleet's current state
     * and is written with a compare-and-swap; every instance applies it from there. Null for a rollout that
     * is not progressive here.
     */
    public Answer control(String rollout, String action) {
        RolloutController c = controllers.get(rollout);
        if (c == null) {
            return null;
        }
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                KeyValue kv = etcd.get(keys.state(rollout));
                RolloutState s = kv == null ? null : FleetLeader.parse(rollout, kv);
                if (s == null || !s.fingerprint().equals(c.state().fingerprint())) {
                    return new Answer(409, "the fleet has no state for this definition of " + rollout
                            + " yet (expected: a leader to start it within " + config.interval().toMillis() + " ms)");
                }
                StringBuilder why = new StringBuilder();
                RolloutState next = c.controlled(s, action, clockMillis.getAsLong(), why);
                if (next == null) {
                    return new Answer(409, why.toString());
                }
                if (write(rollout, kv.getModRevision(), next, false) != 0) {
                    return new Answer(200, rollout + " is " + next.phase().label() + ": " + next.reason());
                }
            }
            return new Answer(409, "the state of " + rollout + " kept changing under this request; try again");
        } catch (Etcd.Unavailable e) {
            errors.increment();
            return new Answer(503, "etcd unreachable, so the fleet cannot be changed: " + e.getMessage());
        }
    }

    /**
     * Stops taking part as a crashed process would: nothing more is written and the lease is left to expire,
     * so the fleet notices only then (how failover is tested and measured).
     */
    public void halt() {
        halted = true;
        loop.shutdownNow();
        if (watcher != null) {
            watcher.close();
        }
        etcd.close();
    }

    /** Leaves the fleet: the lease is revoked so leadership passes on at once rather than when it expires. */
    @Override
    public void close() {
        if (halted) {
            return;
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (lease != 0) {
            try {
                etcd.revoke(lease);
            } catch (Etcd.Unavailable e) {
                log.debug("lease not revoked: {}", e.getMessage());
            }
        }
        etcd.close();
    }
}
