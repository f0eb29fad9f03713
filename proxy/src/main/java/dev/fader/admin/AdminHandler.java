package dev.fader.admin;

import dev.fader.feedback.JsonWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * Routes one admin request. Work that may block (reload reads a file; status walks windows) runs on
 * {@code worker}, never on the event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final AdminApi api;
    private final String token;
    private final Executor worker;

    AdminHandler(AdminApi api, String token, Executor worker) {
        this.api = api;
        this.token = token;
        this.worker = worker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed request\n", false);
            return;
        }
        String path = req.uri().split("\\?", 2)[0];
        HttpMethod method = req.method();
        String body = req.content().toString(StandardCharsets.UTF_8);
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        worker.execute(() -> {
            Reply r;
            try {
                r = handle(method, path, body, auth);
            } catch (RuntimeException e) {
                r = new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain", "internal error: " + e + "\n");
            }
            Reply reply = r;
            ctx.executor().execute(() -> send(ctx, reply.status, reply.type, reply.body, keepAlive));
        });
    }

    record Reply(HttpResponseStatus status, String type, String body) {
        static Reply json(HttpResponseStatus s, String body) {
            return new Reply(s, "application/json", body + "\n");
        }

        static Reply text(HttpResponseStatus s, String body) {
            return new Reply(s, "text/plain; charset=utf-8", body + "\n");
        }
    }

    private Reply handle(HttpMethod method, String path, String body, String auth) {
        if (method.equals(HttpMethod.POST) && token != null && !("Bearer " + token).equals(auth)) {
            return Reply.text(HttpResponseStatus.UNAUTHORIZED, "this admin API needs Authorization: Bearer <admin-token>");
        }
        if (path.equals("/healthz")) {
            return api.draining() ? Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining")
                    : Reply.text(HttpResponseStatus.OK, "ok");
        }
        if (path.equals("/metrics") && method.equals(HttpMethod.GET)) {
            api.metrics().bindCaches(api.windows());
            return new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", api.metrics().scrape());
        }
        if (path.equals("/status") && method.equals(HttpMethod.GET)) {
            return Reply.json(HttpResponseStatus.OK, StatusJson.render(api));
        }
        if (path.equals("/status/history") && method.equals(HttpMethod.GET)) {
            return Reply.json(HttpResponseStatus.OK, api.history().json());
        }
        if (path.equals("/") && method.equals(HttpMethod.GET)) {
            return new Reply(HttpResponseStatus.OK, "text/html; charset=utf-8", Page.index());
        }
        if (path.startsWith("/ui/") && method.equals(HttpMethod.GET)) {
            String[] f = Page.file(path.substring("/ui/".length()));
            return f == null ? Reply.text(HttpResponseStatus.NOT_FOUND, "no such file: " + path) : new Reply(HttpResponseStatus.OK, f[1], f[0]);
        }
        if (path.equals("/reload") && method.equals(HttpMethod.POST)) {
            AdminApi.ReloadStatus s = api.reload();
            JsonWriter w = new JsonWriter().beginObject().field("ok", s.ok()).field("epoch", s.epoch());
            w.name("errors").beginArray();
            s.errors().forEach(w::value);
            w.endArray().name("impact").beginArray();
            s.impact().forEach(w::value);
            w.endArray().endObject();
            return Reply.json(s.ok() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, w.toString());
        }
        if (path.startsWith("/shadow/") && method.equals(HttpMethod.GET)) {
            String rollout = path.substring("/shadow/".length());
            String report = api.table().rollout(rollout) == null ? null : api.shadows().reportJson(rollout);
            return report != null ? Reply.json(HttpResponseStatus.OK, report) : Reply.text(HttpResponseStatus.NOT_FOUND,
                    "rollout '" + rollout + "' " + (api.table().rollout(rollout) == null ? "is unknown"
                            : "has no shadow: block (expected: shadow: { upstream: ... } on the rollout)"));
        }
        if (path.equals("/feedback") && method.equals(HttpMethod.POST)) {
            return FeedbackEndpoint.handle(api, body);
        }
        if (path.startsWith("/rollouts/") && method.equals(HttpMethod.POST)) {
            String[] parts = path.substring("/rollouts/".length()).split("/");
            if (parts.length != 2) {
                return Reply.text(HttpResponseStatus.NOT_FOUND, "expected /rollouts/{name}/pause|resume|abort|promote");
            }
            AdminApi.ControlResult c = api.control(parts[0], parts[1]);
            if (c == null) {
                return Reply.text(HttpResponseStatus.NOT_FOUND, "unknown rollout '" + parts[0] + "'");
            }
            return Reply.text(HttpResponseStatus.valueOf(c.status()), c.message());
        }
        if (path.equals("/healthz") || path.equals("/metrics") || path.equals("/status") || path.equals("/reload")
                || path.equals("/feedback")) {
            return Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed on " + path);
        }
        return Reply.text(HttpResponseStatus.NOT_FOUND, "no such admin endpoint: " + path);
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String text,
            boolean keepAlive) {
        ByteBuf body = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (type.startsWith("text/html")) {
            // The page may load and call this admin port only: nothing from anywhere else.
            r.headers().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
                    .set("X-Content-Type-Options", "nosniff");
        }
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(r);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
