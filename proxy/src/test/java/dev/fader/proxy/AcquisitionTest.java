package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.config.UpstreamConfig;
import dev.fader.routing.Route;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection that completes after its request is over must not be leased to whatever request its
 * lessee (a per-connection exchange, reused) serves by then.
 */
class AcquisitionTest {
    private final List<EmbeddedChannel> opened = new ArrayList<>();
    private final List<ChannelPromise> pending = new ArrayList<>();
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final LoopPool pool = new LoopPool(loop.eventLoop(), (endpoint, limits, handler) -> {
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        opened.add(ch);
        ChannelPromise p = ch.newPromise();
        pending.add(p);
        return p;
    }, 8, TimeUnit.SECONDS.toNanos(30), new OutlierDetector(() -> 0L), new HealthChecks(null, null));
    private final UpstreamConfig a = new UpstreamConfig("a", List.of(new Address("127.0.0.1", 9001)));

    /** Serves requests in turn, like an exchange; records what it was given. */
    private static final class Lessee implements LoopPool.Lessee {
        int ticket = 1;
        boolean done;
        final List<Integer> leasedFor = new ArrayList<>();

        @Override
        public void leased(UpstreamHandler upstream, UpstreamConfig pool, boolean fallback, Failure primaryFailure,
                int failedConnects) {
            leasedFor.add(ticket);
        }

        @Override
        public void unavailable(Failure failure, String detail, Failure primaryFailure, boolean fallback,
                int failedConnects) {
            throw new AssertionError("unavailable: " + detail);
        }

        @Override
        public int ticket() {
            return ticket;
        }

        @Override
        public boolean abandoned(int ticket) {
            return ticket != this.ticket || done;
        }
    }

    @Test
    void aConnectThatCompletesForAnEarlierRequestIsClosedNotLeasedToTheNextOne() {
        Lessee lessee = new Lessee();
        pool.acquire(new Route(a, null, true), null, ProxyLimits.defaults(), lessee);
        assertThat(pending).hasSize(1);

        lessee.ticket = 2; // the first request ended; the same lessee now serves the next, not connecting yet
        pending.get(0).setSuccess();
        loop.runPendingTasks();
        opened.get(0).runPendingTasks();

        assertThat(lessee.leasedFor).as("nothing leased to request 2 from request 1's connect").isEmpty();
        assertThat(opened.get(0).isOpen()).as("the late connection is closed").isFalse();
    }

    @Test
    void aConnectThatCompletesForTheCurrentRequestIsLeasedToIt() {
        Lessee lessee = new Lessee();
        pool.acquire(new Route(a, null, true), null, ProxyLimits.defaults(), lessee);
        pending.get(0).setSuccess();
        opened.get(0).runPendingTasks();

        assertThat(lessee.leasedFor).containsExactly(1);
        assertThat(opened.get(0).isOpen()).isTrue();
        opened.forEach(EmbeddedChannel::finishAndReleaseAll);
    }
}
