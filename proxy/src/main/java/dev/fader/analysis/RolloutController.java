package dev.fader.analysis;

import dev.fader.config.Durations;
import dev.fader.config.Percent;
import dev.fader.config.ProgressiveConfig;
import dev.fader.config.RolloutConfig;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.Verdict;
import dev.fader.routing.RoutingTable.ControlOverride;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The state machine of one progressive rollout. Each step puts the canary at its share of the
 * catch-all layer; it advances only when its minimum time and requests are met and no gate failed, holds
 * otherwise, and on a failed gate rolls back (canary to 0 except for force layers) or pauses.
 * Counters are per step, fed by outcomes; {@link #tick} is called by {@link Controllers} with the time.
 *
 * <p>The gates judge the whole rollout, not each step apart: every tick feeds what the step saw since
 * the last one, with the step's share, to one {@link Comparison} per gate, which stays valid as the share
 * moves. The rollout's {@code alpha} is split evenly over its gates, so the chance that a canary within
 * tolerance is ever aborted by the analysis is at most {@code alpha} for the whole rollout. Only the
 * catch-all layer's traffic is compared: it is the only traffic split at random.
 */
public final class RolloutController {
    private final RolloutConfig rollout;
    private final ProgressiveConfig p;
    private final String canary;
    private volatile RolloutState state;
    private volatile StepCounters counters = new StepCounters();
    private volatile List<Gate> gates = List.of();
    private final SplitJudge judge;
    // In a fleet: the stretch of counts since this instance applied the fleet's current state (its id is
    // that state's etcd revision), and the stretches before it, which the fleet's leader sums.
    private long periodId;
    private int periodShare;
    private Tallies periodStart;
    private final List<Tallies.Period> closedPeriods = new ArrayList<>();

    RolloutController(RolloutConfig rollout, String canary, RolloutState state) {
        this.rollout = rollout;
        this.p = rollout.progressive();
        this.canary = canary;
        this.state = state;
        this.judge = new SplitJudge(canary, rollout.baseline(), splitLayer(rollout), SplitJudge.Signals.of(p),
                p.maxErrorRatio(), p.maxErrorIncreaseBasisPoints() / 10_000.0, p.alpha());
        this.periodShare = weight();
        this.periodStart = judge.totals();
    }

    public String name() {
        return rollout.name();
    }

    public String canary() {
        return canary;
    }

    private volatile String unpersisted;

    RolloutConfig config() {
        return rollout;
    }

    public RolloutState state() {
        return state;
    }

    public List<Gate> gates() {
        return gates;
    }

    public ProgressiveConfig progressive() {
        return p;
    }

    /** The canary's share of the catch-all layer now, in basis points. */
    public int weight() {
        return switch (state.phase()) {
            case ABORTED -> 0;
            case PROMOTED -> Percent.ALL;
            default -> stepWeight(state.step());
        };
    }

    /** A manual step keeps the share of the step before it. */
    int stepWeight(int step) {
        for (int i = Math.min(step, p.steps().size() - 1); i >= 0; i--) {
            if (p.steps().get(i) >= 0) {
                return p.steps().get(i);
            }
        }
        return 0;
    }

    ControlOverride override() {
        return state.phase() == RolloutState.Phase.ABORTED ? new ControlOverride(null, true)
                : new ControlOverride(Map.of(canary, weight()), false);
    }

    void record(Outcome o) {
        if (judge.record(o)) {
            Side side = o.variant().equals(canary) ? counters.canary : counters.baseline;
            side.requests.increment(); // the step's own count, for its minimum
        }
    }

    /** The name of the rollout's catch-all layer: the only traffic split at random. */
    static String splitLayer(RolloutConfig r) {
        return r.layers().stream().filter(l -> l.isCatchAll()).map(l -> l.name()).reduce((a, b) -> b).orElse("");
    }

    void feedback(String variant, String layer, boolean keyed, int keyHash, boolean positive) {
        judge.feedback(variant, layer, keyed, keyHash, positive);
    }

    /** One look at this instance's own evidence; returns the new state when it changed (to persist, publish, notify). */
    RolloutState tick(long now) {
        RolloutState s = state;
        if (s.phase() != RolloutState.Phase.PROGRESSING) {
            return null;
        }
        StepCounters c = counters;
        List<Gate> g = judge.tick(weight() / 10_000.0);
        gates = g;
        Decision d = evaluate(s, g, c.canary.requests.sum(), c.baseline.requests.sum(), now - s.stepStartedMillis(), now);
        String unwritten = unpersisted;
        if (d.moved() && unwritten != null && d.next().phase() != RolloutState.Phase.ABORTED
                && d.next().phase() != RolloutState.Phase.PAUSED) {
            // A step up that a restart would forget is not taken: the state must be on disk first.
            state = s.holding("holding: the state cannot be written (" + unwritten + "); no step up until it can");
            return null;
        }
        if (!d.moved()) {
            state = d.next();
            return null;
        }
        return moveTo(d.next());
    }

    /** What the evidence makes of a state: a transition ({@code moved}), or the same state holding, with its reason. */
    public record Decision(RolloutState next, boolean moved) {
    }

    /**
     * What gates {@code g} and the step's counts ({@code nc}, {@code nb} randomly split requests of each
     * side, {@code elapsedMillis} in the step) make of the progressing state {@code s}. Changes nothing, so
     * a fleet's leader decides from the fleet's counts exactly as one instance decides from its own.
     */
    public Decision evaluate(RolloutState s, List<Gate> g, long nc, long nb, long elapsedMillis, long now) {
        int w = stepWeight(s.step());
        for (Gate gate : g) {
            if (gate.failed()) {
                RolloutState.Phase to = p.rollbackOnFailure() ? RolloutState.Phase.ABORTED : RolloutState.Phase.PAUSED;
                return new Decision(s.to(to, s.step(), "gate failed at " + Percent.format(w) + ": " + gate.describe(), now),
                        true);
            }
        }
        if (p.steps().get(s.step()) == ProgressiveConfig.MANUAL) {
            return new Decision(s.holding("waiting for a manual promote (POST /rollouts/" + name() + "/promote)"), false);
        }
        long min = p.stepMinDuration().toMillis();
        if (elapsedMillis < min || nc < p.stepMinRequests() || nb < p.stepMinRequests()) {
            return new Decision(s.holding(String.format("holding at %s: %s of %s, canary %d/%d and baseline %d/%d requests"
                    + " (INSUFFICIENT_DATA until both reach the minimum)", Percent.format(w),
                    Durations.format(Duration.ofMillis(Math.max(0, elapsedMillis))), Durations.format(p.stepMinDuration()),
                    nc, p.stepMinRequests(), nb, p.stepMinRequests())), false);
        }
        String evidence = "step " + Percent.format(w) + " passed: " + String.join("; ", g.stream().map(Gate::describe).toList());
        // A 100% step leaves no baseline traffic to compare with: reaching it is the promotion.
        if (s.step() + 1 >= p.steps().size() || p.steps().get(s.step() + 1) == Percent.ALL) {
            return new Decision(s.to(RolloutState.Phase.PROMOTED, s.step() + 1 >= p.steps().size() ? s.step() : s.step() + 1,
                    evidence + "; promoted, canary takes 100%", now), true);
        }
        return new Decision(s.to(RolloutState.Phase.PROGRESSING, s.step() + 1,
                evidence + "; advancing to step " + (s.step() + 2), now), true);
    }

    /** Pauses a progressing rollout whose split cannot be trusted: its evidence rests on that split. */
    RolloutState pauseFor(String problem, long now) {
        return moveTo(state.to(RolloutState.Phase.PAUSED, state.step(), "paused: " + problem, now));
    }

    /** Manual control; the new state, or null with {@code why} when the action does not apply. */
    RolloutState control(String action, long now, StringBuilder why) {
        RolloutState next = controlled(state, action, now, why);
        return next == null ? null : moveTo(next);
    }

    /** What manual {@code action} makes of state {@code s}, or null with {@code why}; changes nothing. */
    public RolloutState controlled(RolloutState s, String action, long now, StringBuilder why) {
        switch (action) {
            case "pause":
                if (s.phase() == RolloutState.Phase.PROGRESSING) {
                    return s.to(RolloutState.Phase.PAUSED, s.step(), "paused by the operator", now);
                }
                break;
            case "resume":
                if (s.phase() == RolloutState.Phase.PAUSED) { // step -1: paused at 0% (a corrupt state file)
                    return s.to(RolloutState.Phase.PROGRESSING, Math.max(0, s.step()), "resumed by the operator", now);
                }
                if (s.phase() == RolloutState.Phase.ABORTED) {
                    why.append("an aborted rollout stays aborted until its definition changes (e.g. a new revision:)");
                    return null;
                }
                break;
            case "abort":
                if (s.phase() != RolloutState.Phase.ABORTED) {
                    return s.to(RolloutState.Phase.ABORTED, s.step(), "aborted by the operator", now);
                }
                break;
            case "promote":
                if (s.phase() == RolloutState.Phase.PROGRESSING && p.steps().get(s.step()) == ProgressiveConfig.MANUAL
                        && s.step() + 1 < p.steps().size()) {
                    return s.to(RolloutState.Phase.PROGRESSING, s.step() + 1, "manual step promoted by the operator", now);
                }
                if (s.phase() != RolloutState.Phase.PROMOTED && s.phase() != RolloutState.Phase.ABORTED) {
                    return s.to(RolloutState.Phase.PROMOTED, s.step(), "promoted by the operator", now);
                }
                break;
            default:
                why.append("unknown action '").append(action).append("' (expected: pause, resume, abort or promote)");
                return null;
        }
        why.append("cannot ").append(action).append(" a rollout that is ").append(s.phase().label());
        return null;
    }

    /** Why the last write of this rollout's state failed, or null when it is on disk: no step up meanwhile. */
    void unpersisted(String why) {
        unpersisted = why;
    }

    String unpersisted() {
        return unpersisted;
    }

    private RolloutState moveTo(RolloutState next) {
        state = next;
        counters = new StepCounters();
        judge.newPeriod();
        return next;
    }

    /**
     * Takes the fleet's state {@code next}, written at etcd revision {@code period}: what was counted since
     * the state before closes as a period, at the share it was routed with. False when this or a later
     * revision is already applied (a watch event may arrive after a newer state was read).
     */
    synchronized boolean adopt(RolloutState next, long period) {
        if (period <= periodId) {
            return false;
        }
        Tallies now = judge.totals();
        closedPeriods.add(new Tallies.Period(periodId, periodShare, now.minus(periodStart)));
        periodStart = now;
        periodId = period;
        moveTo(next);
        periodShare = weight();
        return true;
    }

    /** The fleet state's revision this instance applies (0 before any). */
    public synchronized long period() {
        return periodId;
    }

    /** Shows why the fleet's current step holds: {@code holding} is the applied state with a new reason only. */
    public synchronized void hold(RolloutState holding) {
        RolloutState s = state;
        if (holding.phase() == s.phase() && holding.step() == s.step() && holding.history().equals(s.history())) {
            state = holding;
        }
    }

    /** Every period this instance counted in (the current one so far), for the fleet's leader to sum. */
    public synchronized List<Tallies.Period> periods() {
        List<Tallies.Period> out = new ArrayList<>(closedPeriods);
        out.add(new Tallies.Period(periodId, periodShare, judge.totals().minus(periodStart)));
        return out;
    }

    /** The fleet's gates ({@link SplitJudge#judge} over every instance's periods), shown as this rollout's. */
    public void showFleetGates(List<Gate> fleet) {
        gates = fleet;
    }

    /** The gates that {@code periods} (a fleet's summed counts) support, judged as this rollout's own are. */
    public List<Gate> judgeFleet(List<Tallies.Period> periods) {
        return judge.judge(periods);
    }

    /** The canary's verdict from the gates shown (this instance's own, or the fleet's). */
    Verdict verdict() {
        return SplitJudge.verdict(gates, p.stepMinRequests());
    }

    /** What one step has seen of each side, for its minimums; replaced whole when the step changes. */
    private static final class StepCounters {
        final Side canary = new Side();
        final Side baseline = new Side();
    }

    private static final class Side {
        final LongAdder requests = new LongAdder();
    }
}
