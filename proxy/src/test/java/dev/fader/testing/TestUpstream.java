package dev.fader.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A small Netty HTTP server for upstream behaviour WireMock cannot show (SSE pacing, WebSocket, connection counts). */
public final class TestUpstream implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final java.util.Queue<String> uris = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Channel channel;

    private TestUpstream(Supplier<ChannelHandler[]> handlers) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        open.incrementAndGet();
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HttpRequest r) {
                                    requests.incrementAndGet();
                                    uris.add(r.uri());
                                }
                                ctx.fireChannelRead(msg);
                            }
                        });
                        ch.pipeline().addLast(handlers.get());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** {@code handlers} makes the handlers that follow an HttpServerCodec, fresh for each connection. */
    public static TestUpstream start(Supplier<ChannelHandler[]> handlers) throws InterruptedException {
        return new TestUpstream(handlers);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public int connections() {
        return connections.get();
    }

    /** Connections open right now. */
    public int openConnections() {
        return open.get();
    }

    public int requests() {
        return requests.get();
    }

    /** The request targets received, in arrival order. */
    public java.util.List<String> uris() {
        return new java.util.ArrayList<>(uris);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
