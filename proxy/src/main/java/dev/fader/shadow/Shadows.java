package dev.fader.shadow;

import dev.fader.config.Address;
import dev.fader.config.ShadowConfig;
import dev.fader.config.UpstreamConfig;
import dev.fader.feedback.Mirror;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import dev.fader.feedback.Slots;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Sends the copies a rollout's {@code shadow:} asks for, once the client has its answer, and compares
 * what comes back. No client waits for any of it: copies go out from the client's event loop over
 * connections of their own ({@link CopySender}: a slow candidate never takes the primary's), at most
 * {@code max-in-flight} copies at a time per rollout, each given up after {@code timeout}; a copy that finds
 * no slot is dropped and counted. Comparison ({@link JsonDiff} after {@link ShadowAnswer}) runs on one
 * worker thread. Copies carry {@code X-Fader-Shadow: 1}.
 */
public final class Shadows implements OutcomeSink, AutoCloseable {
    public static final String HEADER = "X-Fader-Shadow";

    private final Supplier<RoutingTable> table;
    private final BiConsumer<String, String> onResult;
    private final BiConsumer<String, String> onDifference;
    // Copies go out from the client's event loop (as cheap as proxying); one thread compares the answers,
    // so parsing and diffing never run on an event loop and never take more than one core.
    private final ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fader-shadow");
        t.setDaemon(true);
        return t;
    });
    private final CopySender sender = new CopySender();
    private final Map<String, ShadowStats> stats = new ConcurrentHashMap<>();
    private final Slots slots = new Slots();
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
        Semaphore free = slots.of(o.rollout(), cfg.maxInFlight());
        if (!free.tryAcquire(copies)) {
            count(o.rollout(), s, "dropped");
            return;
        }
        // Always a task of its own: the outcome is recorded before the client's last bytes are flushed, and
        // the copy must leave after them, never before.
        m.client().eventLoop().execute(() -> copy(o, m, cfg, s, free, copies));
    }

    /** Sends the copies from the client's own event loop; compares on the worker once every copy is back. */
    private void copy(Outcome o, Mirror m, ShadowConfig cfg, ShadowStats s, Semaphore free, int copies) {
        Future<CopySender.Reply> candidate = send(cfg, cfg.upstream(), m);
        Future<CopySender.Reply> noise = cfg.noise() == null ? null : send(cfg, cfg.noise(), m);
        AtomicInteger left = new AtomicInteger(copies);
        GenericFutureListener<Future<CopySender.Reply>> arrived = f -> {
            if (left.decrementAndGet() == 0) {
                try {
                    // The slots are held until the comparison is done: copies waiting to be compared count
                    // as in flight, so a comparer that falls behind makes copies drop instead of queueing.
                    threads.execute(() -> {
                        try {
                            settle(o, m, cfg, s, candidate, noise);
                        } finally {
                            free.release(copies);
                        }
                    });
                } catch (RejectedExecutionException closing) {
                    free.release(copies);
                }
            }
        };
        candidate.addListener(arrived);
        if (noise != null) {
            noise.addListener(arrived);
        }
    }

    private Future<CopySender.Reply> send(ShadowConfig cfg, String pool, Mirror m) {
        UpstreamConfig u = table.get().config().upstreams().get(pool);
        if (u == null || u.endpoints().isEmpty()) {
            return m.client().eventLoop().newFailedFuture(new IOException("no endpoints in shadow pool '" + pool + "'"));
        }
        Address a = u.endpoints().get(Math.floorMod(turn.getAndIncrement(), u.endpoints().size()));
        return sender.send(m.client(), a, m.method(), m.uri(), m.headers(), m.requestBody(), cfg.maxBody(), cfg.timeout());
    }

    private void settle(Outcome o, Mirror m, ShadowConfig cfg, ShadowStats s, Future<CopySender.Reply> candidate,
            Future<CopySender.Reply> noise) {
        Throwable failed = !candidate.isSuccess() ? candidate.cause() : noise != null && !noise.isSuccess()
                ? noise.cause() : null;
        if (failed != null) {
            // an answer beyond max-body is not compared, as a request beyond it is not sent
            count(o.rollout(), s, failed instanceof TooLongFrameException ? "skipped" : "error");
            return;
        }
        compare(o, m, cfg, s, candidate.getNow(), noise == null ? null : noise.getNow());
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

    private void compare(Outcome o, Mirror m, ShadowConfig cfg, ShadowStats s, CopySender.Reply candidate,
            CopySender.Reply noise) {
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
            if (f.wantsExample()) {
                f.example(new ShadowStats.Example(o.request().requestId(), path, value(primary, d.pointer()),
                        value(c, d.pointer())));
            }
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
