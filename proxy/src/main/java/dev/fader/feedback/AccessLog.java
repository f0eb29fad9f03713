package dev.fader.feedback;

import dev.fader.routing.RequestView;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One JSON line per request, written by its own thread so the event loop only enqueues (lock-free).
 * The queue is bounded: when the disk or terminal cannot keep up, lines are dropped and counted rather
 * than slowing traffic down. The raw user key is never written; {@code bucket} stands for it.
 */
public final class AccessLog implements OutcomeSink, AutoCloseable {
    private static final int CAPACITY = 65_536;
    private final ConcurrentLinkedQueue<Outcome> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Writer out;
    private final Thread writer;
    private volatile boolean running = true;

    private AccessLog(Writer out) {
        this.out = out;
        this.writer = new Thread(this::drain, "fader-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** {@code target}: null or "stdout", "off" (returns null), or a file appended to. */
    public static AccessLog open(String target) throws IOException {
        if ("off".equals(target)) {
            return null;
        }
        if (target == null || target.equals("stdout")) {
            return new AccessLog(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
        }
        return new AccessLog(Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    @Override
    public void record(Outcome o) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.add(o);
    }

    public long dropped() {
        return dropped.sum();
    }

    static String line(Outcome o) {
        Outcome.Request q = o.request();
        Outcome.Route r = o.route();
        JsonWriter w = new JsonWriter().beginObject()
                .field("ts", Instant.ofEpochMilli(q.startedAtMillis()).toString())
                .field("requestId", q.requestId())
                .field("method", q.method())
                .field("host", RequestView.normalizeHost(q.host()))
                .field("path", q.path())
                .field("status", o.status())
                .field("durationMs", Math.round(o.totalNanos() / 1e3) / 1e3)
                .field("ttfbMs", o.firstByteNanos() < 0 ? -1 : Math.round(o.firstByteNanos() / 1e3) / 1e3)
                .field("rollout", r.rollout())
                .field("variant", r.variant())
                .field("layer", r.layer())
                .field("bucket", r.bucket())
                .field("upstream", r.upstream())
                .field("endpoint", r.endpoint())
                .field("outcome", o.kind().label())
                .field("bytesIn", o.bytesIn())
                .field("bytesOut", o.bytesOut());
        if (o.retried()) {
            w.field("retried", true);
        }
        if (r.fallback()) {
            w.field("fallback", true);
        }
        ModelAnswer a = o.answer();
        if (a != null && a.read()) {
            w.field("ttftMs", a.ttftNanos() < 0 ? -1 : Math.round(a.ttftNanos() / 1e3) / 1e3)
                    .field("inputTokens", a.inputTokens())
                    .field("outputTokens", a.outputTokens())
                    .field("finishReason", a.finish().label());
            if (a.estimated()) {
                w.field("tokensEstimated", true);
            }
        } else if (a != null) {
            w.field("answerSkipped", a.skipped().label());
        }
        return w.endObject().toString();
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            Outcome o = queue.poll();
            try {
                if (o == null) {
                    out.flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    continue;
                }
                size.decrementAndGet();
                out.write(line(o));
                out.write('\n');
            } catch (IOException e) {
                dropped.increment();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(2000);
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // nothing more to do at shutdown
        }
    }
}
