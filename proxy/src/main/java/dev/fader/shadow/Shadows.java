package dev.fader.shadow;

import dev.fader.config.Address;
import dev.fader.config.ShadowConfig;
import dev.fader.config.UpstreamConfig;
import dev.fader.feedback.Mirror;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Sends the copies a rollout's {@code shadow:} asks for, once the client has its answer, and compares
 * what comes back. Nothing here runs on the event loop or holds a client: copies go out from their own
 * HTTP client (its own connections, so a slow candidate never takes the primary's), at most
 * {@code max-in-flight} copies at a time per rollout, each given up after {@code timeout}; a copy that finds
 * no slot is dropped and counted. Comparison ({@link JsonDiff} after {@link ShadowAnswer}) runs on the
 * client's worker threads. Copies carry {@code X-Fader-Shadow: 1}.
 */
public final class Shadows implements OutcomeSink, AutoCloseable {
    public static final String HEADER = "X-Fader-Shadow";

    private final Supplier<RoutingTable> table;
    private final BiConsumer<String, String> onResult;
    private final BiConsumer<String, String> onDifference;
    // One thread sends the copies and compares their answers: shadow work never takes more than one
    // core from the event loops, and none of it runs on them (the JDK client does work as it sends).
    private final ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fader-shadow");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().executor(threads).version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, ShadowStats> stats = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> slots = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();

    /** {@code onResult(rollout, compared|dropped|skipped|error)}; {@code onDifference(rollout, field)}. */
    public Shadows(Supplier<RoutingTable> table, BiConsumer<String, String> onResult,
            BiConsumer<String, String> onDifference) {
        this.table = table;
        this.onResult = onResult;
        this.onDifference = onDifference;
    }

    @Override
    public void record(Outcome o) {
        Mirror m = o.mirror();
        if (m == null) {
            return;
        }
        CompiledRollout r = table.get().rollout(o.rollout());
        ShadowConfig cfg = r == null ? null : r.config().shadow();
        if (cfg == null) {
            return; // shadowing was turned off while this request ran
        }
        ShadowStats s = stats(o.rollout());
        if (m.tooLarge() || m.status() < 200) {
            count(o.rollout(), s, "skipped"); // larger than max-body, or no whole primary answer to compare with
            return;
        }
        int copies = cfg.noise() == null ? 1 : 2;
        Semaphore free = slots.compute(o.rollout() + '\u0000' + cfg.maxInFlight(),
                (k, v) -> v != null ? v : new Semaphore(cfg.maxInFlight()));
        if (!free.tryAcquire(copies)) {
            count(o.rollout(), s, "dropped");
            return;
        }
        try {
            threads.execute(() -> copy(o, m, cfg, s, free, copies));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            free.release(copies);
        }
    }

    private void copy(Outcome o, Mirror m, ShadowConfig cfg, ShadowStats s, Semaphore free, int copies) {
        long started = System.nanoTime();
        CompletableFuture<Reply> candidate = send(cfg, cfg.upstream(), m, started);
        CompletableFuture<Reply> noise = cfg.noise() == null ? CompletableFuture.completedFuture(null)
                : send(cfg, cfg.noise(), m, started);
        candidate.thenCombine(noise, (c, n) -> {
            compare(o, m, cfg, s, c, n);
            return null;
        }).whenComplete((ignored, failure) -> {
            free.release(copies);
            if (failure != null) {
                count(o.rollout(), s, "error");
            }
        });
    }

    /** {@code GET /shadow/{rollout}}: the contract's report, or null when the rollout does not shadow. */
    public String reportJson(String rollout) {
        CompiledRollout r = table.get().rollout(rollout);
        ShadowConfig cfg = r == null ? null : r.config().shadow();
        return cfg == null ? null : ShadowReport.json(rollout, cfg, stats(rollout));
    }

    /** One line for {@code /status}, or null when the rollout does not shadow. */
    public String summary(String rollout) {
        CompiledRollout r = table.get().rollout(rollout);
        ShadowConfig cfg = r == null ? null : r.config().shadow();
        return cfg == null ? null : ShadowReport.summary(cfg, stats(rollout));
    }

    private ShadowStats stats(String rollout) {
        return stats.computeIfAbsent(rollout, k -> new ShadowStats());
    }

    private void count(String rollout, ShadowStats s, String result) {
        switch (result) {
            case "dropped" -> s.dropped.increment();
            case "skipped" -> s.skipped.increment();
            case "error" -> s.errors.increment();
            default -> s.compared.increment();
        }
        onResult.accept(rollout, result);
    }

    private record Reply(int status, String contentType, byte[] body, boolean tooLarge, long nanos) {
    }

    private CompletableFuture<Reply> send(ShadowConfig cfg, String pool, Mirror m, long started) {
        UpstreamConfig u = table.get().config().upstreams().get(pool);
        if (u == null || u.endpoints().isEmpty()) {
            return CompletableFuture.failedFuture(new IOException("no endpoints in shadow pool '" + pool + "'"));
        }
        Address a = u.endpoints().get(Math.floorMod(turn.getAndIncrement(), u.endpoints().size()));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + a + m.uri())).timeout(cfg.timeout())
                .method(m.method(), m.requestBody().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(m.requestBody()));
        for (Map.Entry<String, String> h : m.headers()) {
            try {
                b.header(h.getKey(), h.getValue());
            } catch (IllegalArgumentException restricted) {
                // a header the JDK client sets itself: the copy goes without it
            }
        }
        b.setHeader(HEADER, "1");
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).thenApply(r -> {
            try (InputStream in = r.body()) {
                byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cfg.maxBody() + 1));
                return new Reply(r.statusCode(), r.headers().firstValue("content-type").orElse(null), body,
                        body.length > cfg.maxBody(), System.nanoTime() - started);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private void compare(Outcome o, Mirror m, ShadowConfig cfg, ShadowStats s, Reply candidate, Reply noise) {
        if (candidate.tooLarge() || noise != null && noise.tooLarge()) {
            count(o.rollout(), s, "skipped");
            return;
        }
        ShadowAnswer primary = ShadowAnswer.of(m.status(), m.contentType(), m.answer());
        ShadowAnswer c = ShadowAnswer.of(candidate.status(), candidate.contentType(), candidate.body());
        Set<String> ignore = new HashSet<>(cfg.ignore());
        List<JsonDiff.Difference> differences = differences(primary, c, ignore);
        count(o.rollout(), s, "compared");
        if (o.totalNanos() > 0) {
            s.latencyRatio.add((double) candidate.nanos() / o.totalNanos());
        }
        s.sizeRatio.add((double) candidate.body().length / Math.max(1, m.answer().length));
        String path = o.request().path();
        for (JsonDiff.Difference d : differences) {
            ShadowStats.Field f = s.field(d.pointer());
            f.candidate.increment();
            f.example(new ShadowStats.Example(o.request().requestId(), path, value(primary, d.pointer()),
                    value(c, d.pointer())));
            onDifference.accept(o.rollout(), d.pointer());
        }
        if (noise != null) {
            s.comparedWithNoise.increment();
            ShadowAnswer n = ShadowAnswer.of(noise.status(), noise.contentType(), noise.body());
            for (JsonDiff.Difference d : differences(primary, n, ignore)) {
                s.field(d.pointer()).noise.increment();
            }
        }
    }

    private static List<JsonDiff.Difference> differences(ShadowAnswer primary, ShadowAnswer b, Set<String> ignore) {
        List<JsonDiff.Difference> out = new ArrayList<>();
        if (primary.status() != b.status()) {
            out.add(new JsonDiff.Difference("status", JsonDiff.Kind.VALUE));
        }
        if (!primary.contentType().equals(b.contentType())) {
            out.add(new JsonDiff.Difference("content-type", JsonDiff.Kind.VALUE));
        }
        JsonDiff.diff(primary.body(), b.body(), ignore, out);
        return out;
    }

    /** A value for an example, cut at 200 characters. */
    private static String value(ShadowAnswer a, String pointer) {
        String v = switch (pointer) {
            case "status" -> String.valueOf(a.status());
            case "content-type" -> a.contentType();
            default -> {
                var node = pointer.equals("/") ? a.body() : a.body().at(pointer);
                yield node.isMissingNode() ? "(missing)" : node.toString();
            }
        };
        return v.length() <= 200 ? v : v.substring(0, 200) + "…";
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
