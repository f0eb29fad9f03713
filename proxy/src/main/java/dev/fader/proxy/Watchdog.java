package dev.fader.proxy;

import dev.fader.config.ProxyLimits;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The timeouts of every client connection of one event loop, checked by one periodic sweep: a deadline is
 * a field a connection writes, and the sweep calls each connection with the time. A task per connection
 * (or per request and timeout, scheduled then cancelled) cost a tenth of the proxy's CPU in profiles and
 * a scheduled-task object per idle connection; this costs one array slot. A deadline fires at most one
 * period late: a quarter of the shortest timeout, between 25 ms and 2.5 s.
 */
final class Watchdog {
    /** A connection the sweep looks after; {@code slot} is where it sits, kept by the watchdog. */
    interface Watched {
        void watch(long now);

        int slot();

        void slot(int slot);
    }

    private final EventLoop loop;
    private final Supplier<ProxyLimits> limits;
    private Watched[] watched = new Watched[64];
    private int size;

    Watchdog(EventLoop loop, Supplier<ProxyLimits> limits) {
        this.loop = loop;
        this.limits = limits;
        schedule();
    }

    void add(Watched w) {
        if (size == watched.length) {
            watched = Arrays.copyOf(watched, size * 2);
        }
        w.slot(size);
        watched[size++] = w;
    }

    void remove(Watched w) {
        int at = w.slot();
        if (at < 0 || at >= size || watched[at] != w) {
            return;
        }
        Watched last = watched[--size];
        watched[at] = last;
        last.slot(at);
        watched[size] = null;
        w.slot(-1);
    }

    int size() {
        return size;
    }

    private void schedule() {
        if (!loop.isShuttingDown()) {
            loop.schedule(this::sweep, periodNanos(limits.get()), TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        // Backwards: a connection that closes during its check swaps the last one into its slot.
        for (int i = size - 1; i >= 0; i--) {
            if (i < size) {
                watched[i].watch(now);
            }
        }
        schedule();
    }

    static long periodNanos(ProxyLimits l) {
        long shortest = Math.min(Math.min(l.clientHeaderTimeout().toNanos(), l.idleTimeout().toNanos()),
                Math.min(l.responseTimeout().toNanos(), l.bodyTimeout().toNanos()));
        return Math.max(TimeUnit.MILLISECONDS.toNanos(25), Math.min(TimeUnit.MILLISECONDS.toNanos(2500), shortest / 4));
    }
}
