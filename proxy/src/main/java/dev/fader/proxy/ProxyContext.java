package dev.fader.proxy;

import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.RoutingTable;
import io.netty.channel.EventLoop;

/**
 * What a client connection needs of the running proxy: the routing snapshot for its next request, where
 * outcomes go, and its event loop's upstream pool. {@link ProxyServer} in production; handler tests
 * build one around {@code EmbeddedChannel}s.
 */
interface ProxyContext {
    RoutingTable table();

    OutcomeSink sink();

    LoopPool pool(EventLoop loop);

    /** The one timeout sweep of {@code loop}'s client connections. */
    Watchdog watchdog(EventLoop loop);
}
