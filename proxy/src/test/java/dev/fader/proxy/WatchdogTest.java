package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.ProxyLimits;
import dev.fader.testing.Configs;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One sweep per event loop: every connection watched is called each period, until it is removed. */
class WatchdogTest {
    static final ProxyLimits LIMITS = Configs.table("listen: 127.0.0.1:0\nclient-header-timeout: 400ms\n"
            + "upstreams:\n  a: { endpoints: [127.0.0.1:9001] }\n").config().limits();

    static final class Conn implements Watchdog.Watched {
        final List<Long> calls = new ArrayList<>();
        Runnable onWatch = () -> { };
        int slot = -1;

        @Override
        public void watch(long now) {
            calls.add(now);
            onWatch.run();
        }

        @Override
        public int slot() {
            return slot;
        }

        @Override
        public void slot(int slot) {
            this.slot = slot;
        }
    }

    @Test
    void everyConnectionIsSweptEachPeriodAndRemovalsDuringASweepAreSafe() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime(); // the loop's clock moves only when the test says so
        Watchdog w = new Watchdog(ch.eventLoop(), () -> LIMITS);
        long period = Watchdog.periodNanos(LIMITS);
        assertThat(period).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100)); // a quarter of 400 ms
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Conn c = new Conn();
            conns.add(c);
            w.add(c);
        }
        // One closes itself when checked, another removes its neighbour: each sweep still reaches the rest.
        conns.get(500).onWatch = () -> w.remove(conns.get(500));
        conns.get(10).onWatch = () -> w.remove(conns.get(999));
        w.remove(conns.get(3));

        ch.advanceTimeBy(period, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        ch.advanceTimeBy(period, TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();

        assertThat(w.size()).isEqualTo(997);
        assertThat(conns.get(3).calls).isEmpty();
        assertThat(conns.get(500).calls).hasSize(1);
        assertThat(conns.get(999).calls.size()).isLessThanOrEqualTo(1);
        int twice = 0;
        for (int i = 0; i < 1000; i++) {
            if (i != 3 && i != 500 && i != 999) {
                // A removal moves the last connection into the freed slot: if that slot is still ahead of
                // the sweep, the moved one is checked again, which is harmless (a check only compares deadlines).
                assertThat(conns.get(i).calls.size()).as("connection %d", i).isBetween(2, 3);
                twice += conns.get(i).calls.size() - 2;
            }
        }
        assertThat(twice).as("connections checked twice in one sweep").isLessThanOrEqualTo(2);
        ch.finishAndReleaseAll();
    }
}
