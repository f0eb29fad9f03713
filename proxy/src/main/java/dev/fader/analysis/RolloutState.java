package dev.fader.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The persisted state of one progressive rollout: where it is, why, since when, and what happened.
 * {@code fingerprint} identifies the rollout definition it belongs to: a changed definition starts over.
 */
public record RolloutState(String rollout, String fingerprint, Phase phase, int step, String reason,
        long stepStartedMillis, long updatedMillis, List<Event> history) {

    static final int HISTORY = 50;

    /** The contract's {@code state} values. */
    public enum Phase {
        PROGRESSING, PAUSED, ABORTED, PROMOTED;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** One transition, with the evidence that caused it. */
    public record Event(long atMillis, String from, String to, int step, String reason) {
    }

    public RolloutState {
        history = List.copyOf(history);
    }

    public static RolloutState start(String rollout, String fingerprint, long now) {
        return new RolloutState(rollout, fingerprint, Phase.PROGRESSING, 0, "started at the first step", now, now,
                List.of(new Event(now, "none", Phase.PROGRESSING.label(), 0, "started")));
    }

    /** This state moved to {@code phase} at {@code step}, with the event appended (history kept bounded). */
    public RolloutState to(Phase next, int nextStep, String why, long now) {
        List<Event> h = new ArrayList<>(history);
        h.add(new Event(now, phase.label(), next.label(), nextStep, why));
        if (h.size() > HISTORY) {
            h = h.subList(h.size() - HISTORY, h.size());
        }
        long stepStart = nextStep != step || next != phase ? now : stepStartedMillis;
        return new RolloutState(rollout, fingerprint, next, nextStep, why, stepStart, now, h);
    }

    public RolloutState holding(String why) {
        return new RolloutState(rollout, fingerprint, phase, step, why, stepStartedMillis, updatedMillis, history);
    }
}
