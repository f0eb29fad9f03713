package dev.fader.analysis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running counts of one proportion gate (errors, slow answers, slow first tokens, bad finishes,
 * negative feedback): trials and bad events per side, each user's bad events capped at one per period,
 * fed to the gate's {@link Comparison} one tick at a time. Counting is lock-free; feeding is the tick
 * thread's.
 */
final class GateCounts {
    final String name;
    private final Comparison comparison;
    private final LongAdder[] trials = {new LongAdder(), new LongAdder()};
    private final LongAdder[] events = {new LongAdder(), new LongAdder()};
    private final long[] fed = new long[4];
    private volatile Set<Integer> capped = ConcurrentHashMap.newKeySet();

    GateCounts(String name, double ratio, double increase) {
        this.name = name;
        this.comparison = new Comparison(ratio, increase);
    }

    /**
     * One trial of {@code canary}'s side (else the baseline's); {@code bad}: it was a bad event, counted
     * unless this user ({@code keyHash}, when {@code keyed}) already had one this period.
     */
    void count(boolean canary, boolean bad, boolean keyed, int keyHash) {
        int side = canary ? 0 : 1;
        trials[side].increment();
        if (bad && (!keyed || capped.add(keyHash))) {
            events[side].increment();
        }
    }

    /** A new period: every user may count one bad event again. */
    void newPeriod() {
        capped = ConcurrentHashMap.newKeySet();
    }

    /** Everything counted so far: canary trials, canary events, baseline trials, baseline events. */
    long[] totals() {
        return new long[] {trials[0].sum(), events[0].sum(), trials[1].sum(), events[1].sum()};
    }

    /** Feeds what arrived since the last tick at the canary's {@code share}, and judges. */
    Gate tick(double share, double ratio, double increase, double alpha) {
        long[] now = {trials[0].sum(), events[0].sum(), trials[1].sum(), events[1].sum()};
        comparison.add(now[0] - fed[0], now[1] - fed[1], now[2] - fed[2], now[3] - fed[3], share);
        System.arraycopy(now, 0, fed, 0, now.length);
        return Gate.of(name, comparison, ratio, increase, alpha);
    }
}
