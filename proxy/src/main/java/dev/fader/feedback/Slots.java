package dev.fader.feedback;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * At most a configured number of things in flight per rollout (judge calls, shadow copies): one counter
 * per rollout and limit, so a reload that changes the limit starts a fresh count while the old one drains.
 */
public final class Slots {
    private final Map<String, Semaphore> byRollout = new ConcurrentHashMap<>();

    public Semaphore of(String rollout, int limit) {
        return byRollout.computeIfAbsent(rollout + '\u0000' + limit, k -> new Semaphore(limit));
    }
}
