package dev.fader.analysis;

import dev.fader.config.FaderConfig;
import dev.fader.config.LayerConfig;
import dev.fader.config.Percent;
import dev.fader.config.ProgressiveConfig;
import dev.fader.config.RolloutConfig;
import dev.fader.feedback.JsonWriter;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.Murmur3;
import dev.fader.routing.RoutingTable.ControlOverride;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers of every progressive rollout of the current config. They hear outcomes, look at the
 * evidence on each {@link #tick}, persist and announce every transition, and hand the weights back as
 * overrides for a new routing snapshot: the only way feedback flows back into routing.
 */
public final class Controllers implements OutcomeSink {
    private static final Logger log = LoggerFactory.getLogger("fader.progressive");
    private final LongSupplier clockMillis;
    private final Path baseDir;
    private final BiConsumer<String, RolloutState> onTransition;
    private final Webhooks webhooks = new Webhooks();
    private final Map<String, RolloutController> byName = new ConcurrentHashMap<>();
    private final Function<String, String> splitProblem;
    private final Map<String, Persisted> persisted = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> onWriteError = rollout -> { };

    /** Whether a rollout's state is on disk: {@code ok}, else the last write's {@code error}, at {@code atMillis}. */
    public record Persisted(boolean ok, String error, long atMillis) {
    }

    /** {@code baseDir} resolves relative {@code state-dir}s (the config file's folder). */
    public Controllers(LongSupplier clockMillis, Path baseDir, BiConsumer<String, RolloutState> onTransition) {
        this(clockMillis, baseDir, onTransition, rollout -> null);
    }

    /**
     * {@code splitProblem} says, per rollout, why its split cannot be trusted (a sample-ratio mismatch), or
     * null: a progressing rollout whose split is broken pauses, since its comparisons rest on that split.
     */
    public Controllers(LongSupplier clockMillis, Path baseDir, BiConsumer<String, RolloutState> onTransition,
            Function<String, String> splitProblem) {
        this.clockMillis = clockMillis;
        this.baseDir = baseDir;
        this.onTransition = onTransition;
        this.splitProblem = splitProblem;
    }

    /**
     * Makes the controllers match {@code config}: an unchanged definition keeps its controller (and state),
     * a new or changed one resumes from its state file when the fingerprint matches, else starts over.
     */
    public synchronized void reconcile(FaderConfig config) {
        Map<String, RolloutController> next = new HashMap<>();
        for (RolloutConfig r : config.rollouts()) {
            if (r.progressive() == null) {
                continue;
            }
            String canary = canaryOf(r);
            String fingerprint = fingerprint(config, r, canary);
            RolloutController existing = byName.get(r.name());
            if (existing != null && existing.state().fingerprint().equals(fingerprint)) {
                next.put(r.name(), existing); // same definition: same state, same step counters
                continue;
            }
            RolloutController fresh = new RolloutController(r, canary, initialState(r, fingerprint));
            Persisted written = persisted.get(r.name());
            fresh.unpersisted(written == null || written.ok() ? null : written.error());
            next.put(r.name(), fresh);
        }
        byName.keySet().retainAll(next.keySet());
        persisted.keySet().retainAll(next.keySet());
        byName.putAll(next);
    }

    private RolloutState initialState(RolloutConfig r, String fingerprint) {
        long now = clockMillis.getAsLong();
        StateStore store = store(r);
        RolloutState s;
        try {
            s = store.load(r.name());
        } catch (IOException e) {
            // Unreadable state must never let a canary start high, nor be lost: the file is kept aside and the
            // rollout waits at 0% (step -1) for an operator's resume, which starts it at its first step.
            String kept = store.keepAside(r.name(), now);
            RolloutState safe = RolloutState.start(r.name(), fingerprint, now).to(RolloutState.Phase.PAUSED, -1,
                    "state file unreadable" + (kept == null ? "" : " (kept as " + kept + ")") + ": " + e.getMessage()
                    + "; paused at 0% until POST /rollouts/" + r.name() + "/resume starts it at its first step", now);
            log.error("rollout {}: {}", r.name(), safe.reason());
            persist(r, safe);
            return safe;
        }
        if (s != null && fingerprint.equals(s.fingerprint()) && s.step() < r.progressive().steps().size()) {
            log.info("rollout {}: resuming {} at step {} from {}", r.name(), s.phase().label(), s.step() + 1,
                    store.fileOf(r.name()));
            return s;
        }
        RolloutState fresh = RolloutState.start(r.name(), fingerprint, now);
        if (s != null) {
            log.info("rollout {}: definition changed since the saved state; starting over", r.name());
        }
        persist(r, fresh);
        return fresh;
    }

    /** Hears the rollout of every failed state write ({@code fader_state_write_errors_total}). */
    public void onWriteError(java.util.function.Consumer<String> listener) {
        this.onWriteError = listener;
    }

    /** Whether {@code rollout}'s state is on disk (null before its first write). */
    public Persisted persisted(String rollout) {
        return persisted.get(rollout);
    }

    /** The weights the controllers set, per rollout, for {@code RoutingTable.compile}. */
    public Map<String, ControlOverride> overrides() {
        Map<String, ControlOverride> out = new HashMap<>();
        byName.forEach((name, c) -> out.put(name, c.override()));
        return out;
    }

    public RolloutController get(String rollout) {
        return byName.get(rollout);
    }

    /** Looks at every rollout's evidence; returns true when a weight changed and routing must be republished. */
    public synchronized boolean tick() {
        long now = clockMillis.getAsLong();
        boolean changed = false;
        for (RolloutController c : byName.values()) {
            if (c.unpersisted() != null) {
                persist(c.config(), c.state()); // a disk that was full may have room again
            }
            int before = c.weight();
            String problem = c.state().phase() == RolloutState.Phase.PROGRESSING ? splitProblem.apply(c.name()) : null;
            RolloutState s = problem != null ? c.pauseFor(problem, now) : c.tick(now);
            if (s != null) {
                announce(c, s);
                changed |= c.weight() != before || s.phase() == RolloutState.Phase.ABORTED;
            }
        }
        return changed;
    }

    /** Every rollout's controller, for a fleet's publisher and leader. */
    public Collection<RolloutController> all() {
        return byName.values();
    }

    /** Why {@code rollout}'s split cannot be trusted now (a sample-ratio mismatch), or null. */
    public String splitProblem(String rollout) {
        return splitProblem.apply(rollout);
    }

    /**
     * Applies a fleet's state for {@code rollout}, written at etcd revision {@code period} by its leader or
     * by manual control on any instance, when it belongs to the same definition as this instance's. It is
     * announced as a local transition is (logged, kept in the state file as the last one known, counted);
     * webhooks only on the instance that wrote it ({@code notify}). True when routing must be republished.
     */
    public synchronized boolean adopt(String rollout, RolloutState s, long period, boolean notify) {
        RolloutController c = byName.get(rollout);
        if (c == null || !c.state().fingerprint().equals(s.fingerprint())) {
            return false;
        }
        int before = c.weight();
        RolloutState.Phase phaseBefore = c.state().phase();
        if (!c.adopt(s, period)) {
            return false;
        }
        announce(c, s, notify);
        return c.weight() != before || (s.phase() == RolloutState.Phase.ABORTED && phaseBefore != s.phase());
    }

    /** Manual control: null for a rollout that is not progressive here; else the new state or why not. */
    public synchronized ControlOutcome control(String rollout, String action) {
        RolloutController c = byName.get(rollout);
        if (c == null) {
            return null;
        }
        if (action.equals("promote") && c.unpersisted() != null) {
            return new ControlOutcome(false, "cannot promote while the state cannot be written (" + c.unpersisted()
                    + "): a restart would forget it; pause and abort still apply");
        }
        StringBuilder why = new StringBuilder();
        RolloutState s = c.control(action, clockMillis.getAsLong(), why);
        if (s == null) {
            return new ControlOutcome(false, why.toString());
        }
        announce(c, s);
        return new ControlOutcome(true, rollout + " is " + s.phase().label() + ": " + s.reason());
    }

    /** The result of a manual action. */
    public record ControlOutcome(boolean applied, String message) {
    }

    @Override
    public void record(Outcome o) {
        RolloutController c = byName.get(o.rollout());
        if (c != null) {
            c.record(o);
        }
    }

    public void feedback(Feedback f) {
        RolloutController c = byName.get(f.rollout());
        if (c != null) {
            c.feedback(f.variant(), f.layer(), f.keyed(), f.keyHash(), f.positive());
        }
    }

    private void announce(RolloutController c, RolloutState s) {
        announce(c, s, true);
    }

    private void announce(RolloutController c, RolloutState s, boolean notify) {
        RolloutState.Event e = s.history().get(s.history().size() - 1);
        log.warn("rollout {}: {} -> {} at {} of the catch-all layer: {}", c.name(), e.from(), e.to(),
                Percent.format(c.weight()), e.reason());
        persist(c.config(), s);
        onTransition.accept(c.name(), s);
        if (notify && !c.progressive().webhooks().isEmpty()) {
            webhooks.send(c.progressive().webhooks(), new JsonWriter().beginObject().field("rollout", c.name())
                    .field("from", e.from()).field("to", e.to()).field("step", e.step())
                    .field("canaryWeightPercent", c.weight() / 100.0).field("reason", e.reason())
                    .field("at", Instant.ofEpochMilli(e.atMillis()).toString()).endObject().toString());
        }
    }

    private void persist(RolloutConfig r, RolloutState s) {
        long now = clockMillis.getAsLong();
        RolloutController c = byName.get(r.name());
        try {
            store(r).save(s);
            persisted.put(r.name(), new Persisted(true, null, now));
            if (c != null) {
                c.unpersisted(null);
            }
        } catch (IOException | RuntimeException e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            persisted.put(r.name(), new Persisted(false, "cannot write " + store(r).fileOf(r.name()) + ": " + why, now));
            if (c != null) {
                c.unpersisted(why);
            }
            onWriteError.accept(r.name());
            log.error("rollout {}: cannot persist state to {}: {}", r.name(), store(r).fileOf(r.name()), why);
        }
    }

    private StateStore store(RolloutConfig r) {
        return new StateStore(baseDir.resolve(r.progressive().stateDir()));
    }

    /** The variant the steps move: the first non-baseline variant of the catch-all split, else of the rollout. */
    static String canaryOf(RolloutConfig r) {
        for (LayerConfig l : r.layers()) {
            if (l.isCatchAll() && l.split() != null) {
                for (String v : l.split().shares().keySet()) {
                    if (!v.equals(r.baseline())) {
                        return v;
                    }
                }
            }
        }
        return r.variants().keySet().stream().filter(v -> !v.equals(r.baseline())).findFirst().orElse(r.baseline());
    }

    /**
     * What identifies a definition: its steps and gates, variants, the canary's endpoints, salt and revision.
     * In a fleet, each instance's own {@code state-dir} and webhooks are not part of it: instances whose files
     * differ only there run one rollout. (Alone, the fingerprint stays what it was, so an upgrade resumes.)
     */
    static String fingerprint(FaderConfig config, RolloutConfig r, String canary) {
        String upstream = r.variants().get(canary);
        ProgressiveConfig p = r.progressive();
        if (config.cluster() != null) {
            p = new ProgressiveConfig(p.steps(), p.stepMinDuration(), p.stepMinRequests(), p.maxErrorRatio(),
                    p.maxErrorIncreaseBasisPoints(), p.slowThreshold(), p.alpha(), p.rollbackOnFailure(), "",
                    p.feedbackGate(), List.of(), p.model());
        }
        String text = p + "|" + r.baseline() + "|" + canary + "|" + r.variants() + "|"
                + (upstream == null ? "" : config.upstreams().get(upstream).endpoints()) + "|" + r.salt() + "|"
                + r.revision();
        return Integer.toHexString(Murmur3.hashUtf8("fingerprint:", text));
    }
}
