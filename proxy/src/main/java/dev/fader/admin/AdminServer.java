package dev.fader.admin;

import dev.fader.config.Address;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin API on its own event loop and worker thread, so that it answers even when the proxy's
 * loops are saturated. Request bodies are capped at 1 MiB.
 */
public final class AdminServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fader-admin");
        t.setDaemon(true);
        return t;
    });
    private Channel channel;

    public AdminServer(EventLoopGroup group) {
        this.group = group;
    }

    public InetSocketAddress start(Address address, Class<? extends ServerChannel> channelClass, AdminApi api,
            String token) throws InterruptedException {
        channel = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), new AdminHandler(api, token, worker));
                    }
                }).bind(address.host(), address.port()).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        worker.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
