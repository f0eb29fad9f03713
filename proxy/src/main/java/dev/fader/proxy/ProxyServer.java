package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.RoutingTable;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import dev.fader.wire.Http1Decoder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's listening side: one event loop group for clients and their upstream connections, the
 * current routing snapshot behind an {@link AtomicReference}, and a graceful drain on shutdown.
 */
public final class ProxyServer implements ProxyContext, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final AtomicReference<RoutingTable> table;
    private final OutcomeSink sink;
    private final Transport transport;
    private final EventLoopGroup group;
    private final UpstreamPools pools;
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private static final String TOO_MANY_BODY = "503 Service Unavailable: " + Failure.TOO_MANY_CONNECTIONS.what + "\n";
    private static final String TOO_MANY = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: " + TOO_MANY_BODY.length() + "\r\nConnection: close\r\nRetry-After: 1\r\nServer: fader\r\n\r\n"
            + TOO_MANY_BODY;
    private final ConcurrentHashMap<EventLoop, Watchdog> watchdogs = new ConcurrentHashMap<>();
    private Channel serverChannel;
    private volatile boolean draining;

    public ProxyServer(RoutingTable initial, OutcomeSink sink, int threads) {
        this(initial, sink, threads, System::nanoTime);
    }

    /** {@code nanos}: the ticker outlier ejection measures its backoffs with (tests drive it by hand). */
    public ProxyServer(RoutingTable initial, OutcomeSink sink, int threads, LongSupplier nanos) {
        this.table = new AtomicReference<>(initial);
        this.sink = sink;
        this.transport = Transport.best();
        this.group = transport.newGroup(threads, "fader-io");
        this.pools = new UpstreamPools(transport, group, initial.config().startup(), nanos);
        pools.follow(initial.config().upstreams().values(), a -> true);
    }

    /** Binds the listen address of the initial config; returns the bound address (port 0 picks one). */
    public InetSocketAddress start() throws InterruptedException {
        return start(table.get().config().listen());
    }

    /** The cap when the file sets no {@code max-connections}: from the open-file limit at start ({@link ConnectionBudget}). */
    private final int defaultMaxConnections = ConnectionBudget.ofThisProcess();

    /** The connection cap in force: the file's {@code max-connections}, or the default from the open-file limit. */
    public int maxConnections() {
        int configured = table.get().config().limits().maxConnections();
        return configured < 0 ? defaultMaxConnections : configured;
    }

    public InetSocketAddress start(Address listen) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int configured = table.get().config().limits().maxConnections();
                        int max = configured < 0 ? defaultMaxConnections : configured;
                        if (max > 0 && clients.size() >= max) {
                            // Refused fast, before any decoding, so the admitted clients keep their latency.
                            ch.writeAndFlush(Unpooled.copiedBuffer(TOO_MANY, StandardCharsets.US_ASCII))
                                    .addListener(ChannelFutureListener.CLOSE);
                            return;
                        }
                        clients.add(ch);
                        ProxyLimits limits = table.get().config().limits();
                        ch.pipeline().addLast("codec", Http1Decoder.requests(limits.maxRequestLine(), limits.maxHeaderSize()));
                        ch.pipeline().addLast("frontend", new FrontendHandler(ProxyServer.this));
                    }
                });
        serverChannel = b.bind(listen.host(), listen.port()).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.info("fader listening on {} ({} transport)", bound, transport.name());
        return bound;
    }

    @Override
    public RoutingTable table() {
        return table.get();
    }

    /** Installs a new snapshot for the next request; requests in flight keep the one they started with. */
    public void swap(RoutingTable next) {
        table.set(next);
        Set<Address> endpoints = new HashSet<>();
        next.config().upstreams().values().forEach(u -> endpoints.addAll(u.endpoints()));
        pools.follow(next.config().upstreams().values(), endpoints::contains);
    }

    /** Active health check state of an endpoint of a pool; null when that pool is not checked. */
    public EndpointHealth health(String upstream, Address endpoint) {
        return pools.health().health(upstream, endpoint);
    }

    /**
     * For {@code fader_endpoint_healthy}: 1 when the endpoint may serve and has shown it can (a passed
     * check, or an unchecked pool's endpoint that is not ejected), 0 when failing its check or ejected,
     * NaN while a checked endpoint's first result is pending (never "healthy" without evidence).
     */
    public double healthValue(String upstream, Address endpoint) {
        if (ejected(endpoint)) {
            return 0;
        }
        EndpointHealth h = health(upstream, endpoint);
        if (h == null) {
            return 1;
        }
        return switch (h.status()) {
            case HEALTHY -> 1;
            case UNHEALTHY -> 0;
            case UNKNOWN -> Double.NaN;
        };
    }

    /** True while outlier detection keeps the endpoint out of its pools. */
    public boolean ejected(Address endpoint) {
        return !pools.outliers().available(endpoint);
    }

    public String transportName() {
        return transport.name();
    }

    public int openConnections() {
        return clients.size();
    }

    public boolean draining() {
        return draining;
    }

    public Iterable<EventExecutor> eventLoops() {
        return group;
    }

    /** Idle pooled upstream connections over all loops (read without the loops' cooperation: a gauge). */
    public int idleUpstreamConnections() {
        return pools.idleCount();
    }

    public EventLoopGroup group() {
        return group;
    }

    public Transport transport() {
        return transport;
    }

    @Override
    public LoopPool pool(EventLoop loop) {
        return pools.of(loop);
    }

    @Override
    public Watchdog watchdog(EventLoop loop) {
        Watchdog w = watchdogs.get(loop);
        return w != null ? w : watchdogs.computeIfAbsent(loop, l -> new Watchdog(l, () -> table.get().config().limits()));
    }

    @Override
    public OutcomeSink sink() {
        return sink;
    }

    /**
     * Stops accepting, lets requests in flight finish (idle keep-alive connections are closed at once),
     * and waits up to {@code timeout}; returns true when every connection ended in time.
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        if (serverChannel != null) {
            serverChannel.close().sync();
        }
        for (Channel c : clients) {
            c.pipeline().fireUserEventTriggered(FrontendHandler.DRAIN);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!clients.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return clients.isEmpty();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close();
        }
        pools.close();
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
