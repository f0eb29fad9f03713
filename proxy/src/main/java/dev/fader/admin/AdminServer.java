package dev.fader.admin;

import dev.fader.config.Address;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin API on its own event loop and lanes ({@link AdminLanes}), so that it answers even when the proxy's
 * loops are saturated. Bounded as an outside input: request bodies at {@link #MAX_BODY} (413 past it), heads at
 * 16 KiB, at most {@link #MAX_CONNECTIONS} connections, a request must arrive within 10 s of its first byte and
 * an idle connection closes after 60 s.
 */
public final class AdminServer implements AutoCloseable {
    /** 16 KiB: a feedback body with a 1,000-character comment is under 5 KiB; nothing else here takes a body. */
    public static final int MAX_BODY = 16 * 1024;
    static final int MAX_CONNECTIONS = 128;
    static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final EventLoopGroup group;
    private final AdminLanes lanes = new AdminLanes();
    private final AuthFailures failures = new AuthFailures(System::nanoTime);
    private Channel channel;

    public AdminServer(EventLoopGroup group) {
        this.group = group;
    }

    public InetSocketAddress start(Address address, Class<? extends ServerChannel> channelClass, AdminApi api)
            throws InterruptedException {
        ConnectionCap cap = new ConnectionCap(MAX_CONNECTIONS);
        channel = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(cap, new RequestDeadline(REQUEST_TIMEOUT_NANOS, IDLE_TIMEOUT_NANOS),
                                new HttpServerCodec(4096, 16 * 1024, 8192), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_BODY), new RequestDeadline.Complete(),
                                new AdminHandler(api, lanes, failures, "http"));
                    }
                }).bind(address.host(), address.port()).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /** Closes connections past {@code max} at once, so a flood of them cannot take the port's file descriptors. */
    @ChannelHandler.Sharable
    static final class ConnectionCap extends ChannelInboundHandlerAdapter {
        private final AtomicInteger open = new AtomicInteger();
        private final int max;

        ConnectionCap(int max) {
            this.max = max;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (open.incrementAndGet() > max) {
                ctx.close();
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            open.decrementAndGet();
            super.channelInactive(ctx);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        lanes.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
