package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fader.testing.RawHttp;
import dev.fader.testing.TestProxy;
import dev.fader.testing.TestUpstream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Streaming, upgrades, connection reuse and drain, against small Netty upstreams that script their timing. */
class StreamingIT {
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String config(TestUpstream up) {
        return "listen: 127.0.0.1:0\nupstreams:\n  a: { endpoints: [127.0.0.1:" + up.port() + "] }\n";
    }

    @Test
    void serverSentEventsReachTheClientOneByOne() throws Exception {
        CountDownLatch clientSawFirst = new CountDownLatch(1);
        AtomicBoolean releasedByClient = new AtomicBoolean();
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new SimpleChannelInboundHandler<HttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpRequest msg) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                HttpUtil.setTransferEncodingChunked(head, true);
                ctx.write(head);
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: one\n\n", StandardCharsets.UTF_8)));
                // The second event is sent only once the client has seen the first (or after 10 s): a
                // buffering proxy would make this wait run out.
                new Thread(() -> {
                    try {
                        releasedByClient.set(clientSawFirst.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ctx.executor().execute(() -> {
                        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: two\n\n", StandardCharsets.UTF_8)));
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    });
                }).start();
            }
        }}); TestProxy proxy = TestProxy.start(config(up))) {
            java.net.http.HttpResponse<Stream<String>> r = client.send(
                    java.net.http.HttpRequest.newBuilder(proxy.uri("/events")).build(), BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            Iterator<String> lines = r.body().iterator();
            assertThat(lines.next()).isEqualTo("data: one");
            clientSawFirst.countDown();
            assertThat(lines.next()).isEmpty();
            assertThat(lines.next()).isEqualTo("data: two");
            assertThat(releasedByClient).isTrue();
        }
    }

    @Test
    void chunkedResponseIsRelayedChunked() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new SimpleChannelInboundHandler<HttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpRequest msg) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setTransferEncodingChunked(head, true);
                ctx.write(head);
                for (String part : new String[] {"alpha-", "beta-", "gamma"}) {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(part, StandardCharsets.UTF_8)));
                }
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }}); TestProxy proxy = TestProxy.start(config(up)); RawHttp c = RawHttp.connect(proxy.port())) {
            RawHttp.Response r = c.send("GET /c HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(r.text()).isEqualTo("alpha-beta-gamma");
        }
    }

    @Test
    void webSocketIsTunnelledAfter101() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/ws"), new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                        ctx.writeAndFlush(new TextWebSocketFrame("echo:" + frame.text()));
                    }
                }}); TestProxy proxy = TestProxy.start(config(up))) {
            CompletableFuture<String> got = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(
                    java.net.URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"), new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                got.complete(text.toString());
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            ws.sendText("hello through fader", true).get(5, TimeUnit.SECONDS);
            assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("echo:hello through fader");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void upstreamConnectionsAreReused() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new dev.fader.testing.OkHandler(0)});
             TestProxy proxy = TestProxy.start(config(up))) {
            for (int i = 0; i < 50; i++) {
                var r = client.send(java.net.http.HttpRequest.newBuilder(proxy.uri("/r" + i))
                        .POST(BodyPublishers.ofString("x".repeat(i))).build(), BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            assertThat(up.connections()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void drainLetsRequestsInFlightFinishAndRefusesNewConnections() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new dev.fader.testing.OkHandler(700)});
             TestProxy proxy = TestProxy.start(config(up))) {
            CompletableFuture<java.net.http.HttpResponse<String>> inFlight = client.sendAsync(
                    java.net.http.HttpRequest.newBuilder(proxy.uri("/slow")).build(), BodyHandlers.ofString());
            while (up.requests() == 0) {
                Thread.sleep(5); // until the request is in flight at the upstream
            }
            long t0 = System.nanoTime();
            boolean clean = proxy.server().drain(Duration.ofSeconds(5));
            assertThat(clean).isTrue();
            assertThat(inFlight.get(1, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(inFlight.get().body()).isEqualTo("ok");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.port()).close()).isInstanceOf(ConnectException.class);
        }
    }
}
