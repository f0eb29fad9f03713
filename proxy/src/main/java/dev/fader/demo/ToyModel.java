package dev.fader.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A toy OpenAI-compatible chat model: {@code POST /v1/chat/completions} answers with a stream of
 * {@code chat.completion.chunk} events when the request asks for {@code "stream": true} (else one JSON
 * answer), its first token after {@code firstTokenMillis}, then one token every {@code tokenMillis}; a
 * share of answers is cut at the length limit ({@code finish_reason: length}) or refused
 * ({@code content_filter}). It counts what it sent, so tests can hold Fader's figures against it.
 */
public final class ToyModel implements AutoCloseable {
    /** How the model behaves; {@code usage}: streams end with a usage chunk (as with include_usage). */
    public record Behaviour(String name, int tokens, long firstTokenMillis, long tokenMillis, double truncateRate,
            double refuseRate, boolean usage) {
    }

    /** Indexes of {@link #sent}: answers, answers ending with stop, with length, with content_filter, tokens. */
    public static final int ANSWERS = 0;
    public static final int STOP = 1;
    public static final int LENGTH = 2;
    public static final int CONTENT_FILTER = 3;
    public static final int TOKENS = 4;

    private final Channel channel;
    private final AtomicLongArray sent = new AtomicLongArray(5);

    public ToyModel(EventLoopGroup group, Class<? extends ServerChannel> channelClass, Behaviour behaviour)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), new Answer(behaviour, sent));
                    }
                });
        channel = b.bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** What it sent so far, by the indexes above. */
    public long sent(int what) {
        return sent.get(what);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final String[] WORDS = {"The", " canary", " sings", " at", " dawn", ",", " and", " the",
            " stable", " hums", " along", "."};
        private final Behaviour b;
        private final AtomicLongArray sent;

        Answer(Behaviour b, AtomicLongArray sent) {
            this.b = b;
            this.sent = sent;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String body = req.content().toString(StandardCharsets.UTF_8);
            boolean stream = body.replace(" ", "").contains("\"stream\":true");
            double roll = ThreadLocalRandom.current().nextDouble();
            String finish = roll < b.refuseRate() ? "content_filter" : roll < b.refuseRate() + b.truncateRate() ? "length" : "stop";
            int tokens = finish.equals("content_filter") ? 3 : b.tokens();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!stream) {
                ctx.executor().schedule(() -> json(ctx, finish, tokens, keepAlive), b.firstTokenMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED).set("X-Backend", b.name());
            HttpUtil.setKeepAlive(head, keepAlive);
            ctx.writeAndFlush(head);
            event(ctx, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}", "");
            ctx.executor().schedule(() -> token(ctx, 0, tokens, finish), b.firstTokenMillis(), TimeUnit.MILLISECONDS);
        }

        private void token(ChannelHandlerContext ctx, int i, int tokens, String finish) {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (i < tokens) {
                String word = finish.equals("content_filter") ? new String[] {"I", " can't", " help"}[i] : WORDS[i % WORDS.length];
                event(ctx, "{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}", "");
                ctx.executor().schedule(() -> token(ctx, i + 1, tokens, finish), b.tokenMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            event(ctx, "{\"index\":0,\"delta\":{},\"finish_reason\":\"" + finish + "\"}", "");
            if (b.usage()) {
                event(ctx, "", ",\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + tokens + ",\"total_tokens\":"
                        + (12 + tokens) + "}");
            }
            count(finish, tokens);
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: [DONE]\n\n", StandardCharsets.UTF_8)));
            ctx.writeAndFlush(new DefaultLastHttpContent());
        }

        private void event(ChannelHandlerContext ctx, String choice, String usage) {
            String chunk = "data: {\"id\":\"chatcmpl-toy\",\"object\":\"chat.completion.chunk\",\"model\":\"" + b.name()
                    + "\",\"choices\":[" + choice + "]" + usage + "}\n\n";
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)));
        }

        private void json(ChannelHandlerContext ctx, String finish, int tokens, boolean keepAlive) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < tokens; i++) {
                text.append(WORDS[i % WORDS.length]);
            }
            String answer = "{\"id\":\"chatcmpl-toy\",\"object\":\"chat.completion\",\"model\":\"" + b.name()
                    + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                    + "\"},\"finish_reason\":\"" + finish + "\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":"
                    + tokens + ",\"total_tokens\":" + (12 + tokens) + "}}";
            ByteBuf content = Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8);
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes()).set("X-Backend", b.name());
            HttpUtil.setKeepAlive(res, keepAlive);
            count(finish, tokens);
            ctx.writeAndFlush(res);
        }

        private void count(String finish, int tokens) {
            sent.incrementAndGet(ANSWERS);
            sent.incrementAndGet(switch (finish) {
                case "length" -> LENGTH;
                case "content_filter" -> CONTENT_FILTER;
                default -> STOP;
            });
            sent.addAndGet(TOKENS, tokens);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
