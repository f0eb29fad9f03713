package dev.fader.admin;

import dev.fader.admin.AdminGuard.Holder;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one admin request: the {@link AdminGuard} first, then the route on its own lane ({@link AdminLanes}),
 * so that health, metrics and manual control never queue behind a reload, a status walk or feedback bodies.
 * {@code /healthz} is answered on the event loop itself.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger audit = LoggerFactory.getLogger("fader.admin");
    private final AdminApi api;
    private final AdminLanes lanes;
    private final AuthFailures failures;
    private final String scheme;

    AdminHandler(AdminApi api, AdminLanes lanes, AuthFailures failures, String scheme) {
        this.api = api;
        this.lanes = lanes;
        this.failures = failures;
        this.scheme = scheme;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            send(ctx, Reply.text(HttpResponseStatus.BAD_REQUEST, "malformed request"), false);
            return;
        }
        String path = req.uri().split("\\?", 2)[0];
        HttpMethod method = req.method();
        if (path.equals("/healthz")) {
            send(ctx, api.draining() ? Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining")
                    : Reply.text(HttpResponseStatus.OK, "ok"), keepAlive);
            return;
        }
        String peer = peer(ctx);
        Access need = Access.of(method, path);
        long wait = failures.blockedFor(peer);
        if (wait > 0 && need != Access.OPEN) {
            api.metrics().adminRefused("rate-limited");
            send(ctx, Reply.text(HttpResponseStatus.TOO_MANY_REQUESTS, "too many failed authentications from " + peer
                    + "; retry in " + wait + "s").retryAfter(wait), keepAlive);
            return;
        }
        int localPort = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
        AdminGuard.Verdict v = AdminGuard.check(method, path, req.headers(), req.content().readableBytes(), need,
                api.access(), scheme, localPort);
        if (v.refused()) {
            refused(v, peer, method, path);
            send(ctx, Reply.text(v.status(), v.message()), keepAlive);
            return;
        }
        String body = req.content().toString(StandardCharsets.UTF_8);
        Executor lane = lanes.of(method, path);
        try {
            lane.execute(() -> {
                Reply r;
                try {
                    r = route(method, path, body, v.holder(), peer);
                } catch (RuntimeException e) {
                    r = Reply.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e.getClass().getSimpleName());
                }
                Reply reply = r;
                ctx.executor().execute(() -> send(ctx, reply, keepAlive));
            });
        } catch (RejectedExecutionException e) {
            send(ctx, Reply.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy: too many " + lanes.name(lane)
                    + " requests queued; retry shortly").retryAfter(1), keepAlive);
        }
    }

    private void refused(AdminGuard.Verdict v, String peer, HttpMethod method, String path) {
        if (v.reason() != null) {
            failures.failed(peer);
            api.metrics().adminRefused(v.reason());
        } else {
            api.metrics().adminRefused(v.status().code() == 421 ? "host" : v.status().code() == 415 ? "content-type"
                    : "origin");
        }
        audit.warn("refused {} {} from {}: {} {}", method, path, peer, v.status().code(), v.message());
    }

    private Reply route(HttpMethod method, String path, String body, Holder holder, String peer) {
        boolean get = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        if (path.equals("/metrics") && get) {
            api.metrics().bindCaches(api.windows());
            return new Reply(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", api.metrics().scrape());
        }
        if (path.equals("/status") && get) {
            return Reply.json(HttpResponseStatus.OK, StatusJson.render(api));
        }
        if (path.equals("/status/history") && get) {
            return Reply.json(HttpResponseStatus.OK, api.history().json());
        }
        if (path.equals("/") && get) {
            return new Reply(HttpResponseStatus.OK, "text/html; charset=utf-8", Page.index());
        }
        if (path.startsWith("/ui/") && get) {
            String[] f = Page.file(path.substring("/ui/".length()));
            return f == null ? Reply.text(HttpResponseStatus.NOT_FOUND, "no such file: " + path) : new Reply(HttpResponseStatus.OK, f[1], f[0]);
        }
        if (path.equals("/reload") && method.equals(HttpMethod.POST)) {
            audit.warn("reload requested by {} token from {}", label(holder), peer);
            return reload();
        }
        if (path.startsWith("/shadow/") && get) {
            String rollout = path.substring("/shadow/".length());
            String report = api.table().rollout(rollout) == null ? null : api.shadows().reportJson(rollout);
            return report != null ? Reply.json(HttpResponseStatus.OK, report) : Reply.text(HttpResponseStatus.NOT_FOUND,
                    "rollout '" + rollout + "' " + (api.table().rollout(rollout) == null ? "is unknown"
                            : "has no shadow: block (expected: shadow: { upstream: ... } on the rollout)"));
        }
        if (path.equals("/feedback") && method.equals(HttpMethod.POST)) {
            return FeedbackEndpoint.handle(api, body, holder != Holder.NONE);
        }
        if (path.startsWith("/rollouts/") && method.equals(HttpMethod.POST)) {
            String[] parts = path.substring("/rollouts/".length()).split("/");
            if (parts.length != 2) {
                return Reply.text(HttpResponseStatus.NOT_FOUND, "expected /rollouts/{name}/pause|resume|abort|promote");
            }
            AdminApi.ControlResult c = api.control(parts[0], parts[1]);
            audit.warn("{} {} by {} token from {}: {}", parts[1], parts[0], label(holder), peer,
                    c == null ? "unknown rollout" : c.status() + " " + c.message());
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

    private Reply reload() {
        AdminApi.ReloadStatus s = api.reload();
        JsonWriter w = new JsonWriter().beginObject().field("ok", s.ok()).field("epoch", s.epoch());
        w.name("errors").beginArray();
        s.errors().forEach(w::value);
        w.endArray().name("impact").beginArray();
        s.impact().forEach(w::value);
        w.endArray().endObject();
        HttpResponseStatus status = s.ok() ? HttpResponseStatus.OK
                : s.timedOut() ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.UNPROCESSABLE_ENTITY;
        return Reply.json(status, w.toString());
    }

    private static String label(Holder h) {
        return switch (h) {
            case ADMIN -> "an admin";
            case FEEDBACK -> "a feedback";
            case READ -> "a read";
            case NONE -> "no";
        };
    }

    private static String peer(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
    }

    record Reply(HttpResponseStatus status, String type, String body, long retryAfter) {
        Reply(HttpResponseStatus status, String type, String body) {
            this(status, type, body, -1);
        }

        static Reply json(HttpResponseStatus s, String body) {
            return new Reply(s, "application/json", body + "\n");
        }

        static Reply text(HttpResponseStatus s, String body) {
            return new Reply(s, "text/plain; charset=utf-8", body + "\n");
        }

        Reply retryAfter(long seconds) {
            return new Reply(status, type, body, seconds);
        }
    }

    private static void send(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        ByteBuf body = Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(), body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.type()).setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set("X-Content-Type-Options", "nosniff").set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (reply.retryAfter() > 0) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, reply.retryAfter());
        }
        if (reply.type().startsWith("text/html")) {
            // The page may load and call this admin port only, and no other site may frame it (clickjacking).
            r.headers().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:;"
                    + " style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'")
                    .set("X-Frame-Options", "DENY").set("Referrer-Policy", "no-referrer");
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
