package dev.fader.proxy;

import dev.fader.config.Address;
import dev.fader.config.ProxyLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import dev.fader.wire.Http1Decoder;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/** Real upstream connections of one event loop: the response decoder (requests are written as bytes), then the {@link UpstreamHandler}. */
final class BootstrapConnector implements LoopPool.Connector {
    private final Bootstrap bootstrap;
    private final int maxLine;
    private final int maxHead;
    private final Map<Address, InetSocketAddress> targets = new HashMap<>();

    BootstrapConnector(Bootstrap template, EventLoop loop, int maxLine, int maxHead) {
        this.bootstrap = template.clone(loop);
        this.maxLine = maxLine;
        this.maxHead = maxHead;
    }

    @Override
    public ChannelFuture connect(Address endpoint, ProxyLimits limits, UpstreamHandler handler) {
        InetSocketAddress target = targets.computeIfAbsent(endpoint,
                a -> InetSocketAddress.createUnresolved(a.host(), a.port()));
        return bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, limits.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("codec", Http1Decoder.responses(maxLine, maxHead));
                        ch.pipeline().addLast("upstream", handler);
                    }
                }).connect(target);
    }
}
