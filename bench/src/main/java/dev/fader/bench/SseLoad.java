package dev.fader.bench;

import dev.fader.feedback.LatencyHistogram;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming benchmark: what a proxy adds to server-sent events as a chat model sends them.
 *
 * <p>Workload: {@code --streams} clients at once, each POSTing a chat request and reading a
 * {@code text/event-stream} answer of {@code --events} OpenAI-shaped {@code chat.completion.chunk} events
 * (about 140 bytes each, one content delta), {@code --interval-ms} apart, then {@code [DONE]}; the next
 * stream starts on the same keep-alive connection, until {@code --seconds} have passed after
 * {@code --warmup} seconds. The upstream and the clients live in this JVM on one event loop each, so
 * every event carries its send time on the same clock and the client records arrival minus send.
 * Run once against the upstream directly and once through the proxy: the difference of the
 * distributions is what the proxy adds per event. With {@code --pid}, the proxy's CPU time over the
 * measured seconds (from /proc) divided by the events delivered is its CPU per event.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.fader.bench.SseLoad --upstream-port 19001
 * --url http://127.0.0.1:8080/v1/chat/completions --streams 500 --events 100 --interval-ms 10 --seconds 20
 * --warmup 5 [--pid N]}; prints one line of {@code key=value} figures.
 */
public final class SseLoad {
    private final int events;
    private final long intervalMillis;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean stopping;

    private SseLoad(int events, long intervalMillis) {
        this.events = events;
        this.intervalMillis = intervalMillis;
    }

    public static void main(String[] args) throws Exception {
        int upstreamPort = Integer.parseInt(arg(args, "--upstream-port", "19001"));
        URI url = URI.create(arg(args, "--url", "http://127.0.0.1:" + upstreamPort + "/v1/chat/completions"));
        int streamCount = Integer.parseInt(arg(args, "--streams", "500"));
        SseLoad load = new SseLoad(Integer.parseInt(arg(args, "--events", "100")),
                Long.parseLong(arg(args, "--interval-ms", "10")));
        long seconds = Long.parseLong(arg(args, "--seconds", "20"));
        long warmup = Long.parseLong(arg(args, "--warmup", "5"));
        String pid = arg(args, "--pid", null);
        EventLoopGroup upstreamLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            load.serve(upstreamLoop, upstreamPort);
            for (int i = 0; i < streamCount; i++) {
                load.connect(clientLoop, url);
            }
            Thread.sleep(warmup * 1000);
            long cpuBefore = pid == null ? 0 : cpuMicros(pid);
            long start = System.nanoTime();
            load.measuring = true;
            Thread.sleep(seconds * 1000);
            load.measuring = false;
            double elapsed = (System.nanoTime() - start) / 1e9;
            long cpu = pid == null ? 0 : cpuMicros(pid) - cpuBefore;
            load.stopping = true;
            long[] counts = new long[LatencyHistogram.SIZE];
            load.latency.addTo(counts);
            long n = load.delivered.get();
            System.out.printf("events=%d events_per_s=%.0f streams=%d failures=%d p50_us=%.0f p99_us=%.0f p999_us=%.0f"
                    + " proxy_cpu_s=%.2f cpu_us_per_event=%.3f%n", n, n / elapsed, load.streams.get(),
                    load.failures.get(), 1000 * LatencyHistogram.quantileMillis(counts, 0.50),
                    1000 * LatencyHistogram.quantileMillis(counts, 0.99),
                    1000 * LatencyHistogram.quantileMillis(counts, 0.999), cpu / 1e6, n == 0 ? 0 : (double) cpu / n);
        } finally {
            clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            upstreamLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        List<String> a = List.of(args);
        int i = a.indexOf(name);
        return i >= 0 && i + 1 < a.size() ? a.get(i + 1) : fallback;
    }

    /** utime + stime of a process, in microseconds (clock ticks of 10 ms on Linux). */
    static long cpuMicros(String pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000;
    }

    private void serve(EventLoopGroup loop, int port) throws InterruptedException {
        new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Stream());
                    }
                }).bind("127.0.0.1", port).sync();
    }

    /** The upstream side of one connection: a stream of events per request. */
    private final class Stream extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.writeAndFlush(head);
            int[] sent = {0};
            ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
            timer[0] = ctx.executor().scheduleAtFixedRate(() -> {
                if (!ctx.channel().isActive()) {
                    timer[0].cancel(false);
                    return;
                }
                if (sent[0]++ < events) {
                    String event = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"choices\":"
                            + "[{\"index\":0,\"delta\":{\"content\":\" token\"},\"finish_reason\":null}],\"t\":"
                            + System.nanoTime() + "}\n\n";
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.US_ASCII)));
                    return;
                }
                timer[0].cancel(false);
                ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(
                        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
                        StandardCharsets.US_ASCII)));
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void connect(EventLoopGroup loop, URI url) {
        new Bootstrap().group(loop).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new Client(url));
                    }
                }).connect(url.getHost(), url.getPort()).addListener(f -> {
                    if (!f.isSuccess()) {
                        failures.incrementAndGet();
                    }
                });
    }

    /** One client connection: a stream, then the next, reading each event's send time. */
    private final class Client extends SimpleChannelInboundHandler<HttpObject> {
        private final URI url;
        private final StringBuilder partial = new StringBuilder();
        private int user;

        Client(URI url) {
            this.url = url;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ask(ctx.channel());
        }

        private void ask(Channel ch) {
            if (stopping) {
                ch.close();
                return;
            }
            ByteBuf body = Unpooled.copiedBuffer("{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}", StandardCharsets.US_ASCII);
            DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, url.getPath(), body);
            r.headers().set(HttpHeaderNames.HOST, url.getHost()).set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                    .set("X-User-Id", "u" + (System.identityHashCode(this) * 31 + user++));
            ch.writeAndFlush(r);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpContent c) {
                long now = System.nanoTime();
                partial.append(c.content().toString(StandardCharsets.US_ASCII));
                int end;
                while ((end = partial.indexOf("\n\n")) >= 0) {
                    int t = partial.indexOf("\"t\":");
                    if (t >= 0 && t < end) {
                        int close = partial.indexOf("}", t);
                        long sent = Long.parseLong(partial.substring(t + 4, close));
                        if (measuring) {
                            latency.record(now - sent);
                            delivered.incrementAndGet();
                        }
                    }
                    partial.delete(0, end + 2);
                }
                if (msg instanceof LastHttpContent) {
                    streams.incrementAndGet();
                    ask(ctx.channel());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.incrementAndGet();
            ctx.close();
        }
    }
}
