package dev.fader.cluster;

import dev.fader.analysis.Gate;
import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.analysis.StateStore;
import dev.fader.analysis.Tallies;
import io.etcd.jetcd.KeyValue;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the elected instance does on each tick, per progressive rollout (the others look the same way, to
 * show why a step holds, and write nothing): it judges the fleet's summed counts with the rollout's own engine ({@link RolloutController#judgeFleet}, {@link RolloutController#evaluate})
 * and writes a transition with a compare-and-swap on the state's revision, guarded by its leadership.
 *
 * <p>Time: a step's minimum duration is measured on the leader's own monotonic clock from when it first
 * saw the step's state, never from another instance's wall clock, so clock skew between instances does
 * not matter. A new leader starts that count afresh: a step may last longer across a failover, never less.
 */
final class FleetLeader {
    private static final Logger log = LoggerFactory.getLogger("fader.cluster");

    /** How a transition written here reaches this instance's own routing: like any other fleet state. */
    interface Writer {
        /** Writes {@code next} over the state at {@code revision} (0: none yet); the new revision, or 0 if it changed first. */
        long write(String rollout, long revision, RolloutState next, boolean guarded) throws Etcd.Unavailable;
    }

    private final LongSupplier nanos;
    private final LongSupplier clockMillis;
    private final Map<String, long[]> stepSeen = new HashMap<>(); // rollout -> {state revision, first seen (nanos)}

    FleetLeader(LongSupplier nanos, LongSupplier clockMillis) {
        this.nanos = nanos;
        this.clockMillis = clockMillis;
    }

    /**
     * One look at {@code c}'s rollout: {@code kv} is its state in etcd (null when none), {@code periods} the
     * fleet's summed counts of this definition, {@code splitProblem} why its split cannot be trusted (or null).
     * Every instance looks, so each shows why a step holds; only the {@code leading} one writes.
     */
    void look(RolloutController c, KeyValue kv, List<Tallies.Period> periods, String splitProblem, boolean leading,
            Writer writer) throws Etcd.Unavailable {
        long now = clockMillis.getAsLong();
        RolloutState s = kv == null ? null : parse(c.name(), kv);
        if (!leading && (s == null || s.phase() != RolloutState.Phase.PROGRESSING || kv.getModRevision() != c.period())) {
            return; // nothing to show until this instance applies the state it would explain
        }
        if (s == null || !s.fingerprint().equals(c.state().fingerprint())) {
            // No fleet state for this definition yet: this instance's own (fresh, or its last known) starts it.
            long rev = writer.write(c.name(), kv == null ? 0 : kv.getModRevision(), c.state(), true);
            if (rev != 0) {
                log.info("rollout {}: fleet state started at {} step {}", c.name(), c.state().phase().label(),
                        c.state().step() + 1);
            }
            return;
        }
        if (s.phase() != RolloutState.Phase.PROGRESSING) {
            return;
        }
        long rev = kv.getModRevision();
        if (splitProblem != null && leading) {
            writer.write(c.name(), rev, s.to(RolloutState.Phase.PAUSED, s.step(), "paused: " + splitProblem, now), true);
            return;
        }
        long[] seen = stepSeen.get(c.name());
        if (seen == null || seen[0] != rev) {
            seen = new long[] {rev, nanos.getAsLong()};
            stepSeen.put(c.name(), seen);
        }
        long nc = 0;
        long nb = 0;
        for (Tallies.Period p : periods) {
            if (p.id() == rev) {
                nc += p.tallies().requests(true);
                nb += p.tallies().requests(false);
            }
        }
        List<Gate> gates = c.judgeFleet(periods);
        long elapsed = (nanos.getAsLong() - seen[1]) / 1_000_000;
        RolloutController.Decision d = c.evaluate(s, gates, nc, nb, elapsed, now);
        if (!d.moved()) {
            c.hold(d.next());
        } else if (leading) {
            writer.write(c.name(), rev, d.next(), true);
        }
    }

    /** Forgets step clocks: a leader that lost its leadership must not reuse them when it wins again. */
    void stepDown() {
        stepSeen.clear();
    }

    static RolloutState parse(String rollout, KeyValue kv) {
        try {
            return StateStore.parse(FleetKeys.text(kv.getValue()), "the fleet state of rollout " + rollout);
        } catch (IOException e) {
            log.error("rollout {}: {}; expected a state written by Fader", rollout, e.getMessage());
            return null;
        }
    }
}
