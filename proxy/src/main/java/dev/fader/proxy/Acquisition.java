package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.config.UpstreamConfig;
import dev.fader.routing.Route;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;

/**
 * One request's search for an upstream connection when no idle one was at hand: the variant's pool (a
 * failed connect is tried once more on another endpoint: nothing was sent), then the baseline's pool
 * when the route has a fallback, the same way. Connect failures are reported to outlier detection as
 * they happen. Lives on the client's event loop.
 */
final class Acquisition {
    private final LoopPool pools;
    private final Route route;
    private final ProxyLimits limits;
    private final LoopPool.Lessee lessee;
    private final int ticket;
    private UpstreamConfig pool;
    private boolean fallback;
    private boolean panic;
    private Address tried;
    private int inPool;
    private int failed;
    private Failure lastFailure;
    private String lastDetail;
    private Failure primaryFailure;

    Acquisition(LoopPool pools, Route route, ProxyLimits limits, LoopPool.Lessee lessee) {
        this.pools = pools;
        this.route = route;
        this.limits = limits;
        this.lessee = lessee;
        this.ticket = lessee.ticket();
        this.pool = route.primary();
        this.panic = route.primaryIsBaseline();
    }

    /** {@code first}: the endpoint already picked in the variant's pool (it had no idle connection), or null. */
    void begin(Address first) {
        if (first == null) {
            moveOn();
        } else {
            inPool = 1;
            tried = first;
            connect(first);
        }
    }

    private void moveOn() {
        while (true) {
            Address a = inPool < 2 ? pools.pick(pool, tried, true, panic) : null;
            if (a == null && !fallback && route.fallback() != null) {
                fallback = true;
                pool = route.fallback();
                panic = true; // the baseline is the last resort: tried even when all of it is ejected
                inPool = 0;
                tried = null;
                continue;
            }
            if (a == null) {
                giveUp();
                return;
            }
            inPool++;
            tried = a;
            UpstreamHandler idle = pools.pollIdle(a);
            if (idle != null) {
                lessee.leased(idle, pool, fallback, primaryFailure, failed);
            } else {
                connect(a);
            }
            return;
        }
    }

    private void connect(Address a) {
        pools.connect(a, limits, this::connected);
    }

    private void connected(ChannelFuture f) {
        if (lessee.abandoned(ticket)) {
            f.channel().close();
            return;
        }
        if (f.isSuccess()) {
            UpstreamHandler h = f.channel().pipeline().get(UpstreamHandler.class);
            lessee.leased(h, pool, fallback, primaryFailure, failed);
            return;
        }
        pools.outliers().failure(tried, pool, limits);
        failed++;
        lastFailure = f.cause() instanceof ConnectTimeoutException ? Failure.CONNECT_TIMEOUT : Failure.CONNECT_REFUSED;
        lastDetail = "upstream " + tried + " of pool '" + pool.name() + "': "
                + (f.cause() == null ? "unknown" : f.cause().getMessage());
        if (!fallback) {
            primaryFailure = lastFailure;
        }
        moveOn();
    }

    private void giveUp() {
        if (lastFailure == null) {
            lessee.unavailable(Failure.NO_ENDPOINT, "every endpoint of pool '" + pool.name()
                    + "' is ejected or failing its health check", null, fallback, failed);
        } else {
            lessee.unavailable(lastFailure, lastDetail, primaryFailure, fallback, failed);
        }
    }
}
