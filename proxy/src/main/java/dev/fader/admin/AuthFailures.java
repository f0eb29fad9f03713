package dev.fader.admin;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed authentications per peer address, so that guessing tokens is slow: a peer with {@link #LIMIT} failures
 * within {@link #WINDOW_NANOS} is refused (429) without its token being checked until that window ends. The map
 * is bounded ({@link #MAX_PEERS}); when full it is cleared, which at worst grants a flood of peers one more
 * window each. Time comes from {@code ticker}, so tests need no sleeping.
 */
final class AuthFailures {
    static final int LIMIT = 20;
    static final long WINDOW_NANOS = 60_000_000_000L;
    static final int MAX_PEERS = 10_000;

    private record Window(long startNanos, int failures) {
    }

    private final ConcurrentHashMap<String, Window> byPeer = new ConcurrentHashMap<>();
    private final LongSupplier ticker;

    AuthFailures(LongSupplier ticker) {
        this.ticker = ticker;
    }

    /** Seconds until {@code peer} may try again, or 0 when it may try now. */
    long blockedFor(String peer) {
        Window w = byPeer.get(peer);
        if (w == null || w.failures() < LIMIT) {
            return 0;
        }
        long left = w.startNanos() + WINDOW_NANOS - ticker.getAsLong();
        return left <= 0 ? 0 : Math.max(1, left / 1_000_000_000L);
    }

    void failed(String peer) {
        if (byPeer.size() >= MAX_PEERS) {
            byPeer.clear();
        }
        long now = ticker.getAsLong();
        byPeer.compute(peer, (k, w) -> w == null || now - w.startNanos() >= WINDOW_NANOS ? new Window(now, 1)
                : new Window(w.startNanos(), w.failures() + 1));
    }
}
