package dev.fader.feedback;

import dev.fader.routing.RequestView;

import java.io.IOException;
import java.time.Instant;

/**
 * One JSON line per request, formatted and written off the event loop by a {@link LineWriter} (bounded:
 * lines are dropped and counted rather than slowing traffic). The raw user key is never written;
 * {@code bucket} stands for it.
 */
public final class AccessLog implements OutcomeSink, AutoCloseable {
    private final LineWriter<Outcome> out;

    private AccessLog(LineWriter<Outcome> out) {
        this.out = out;
    }

    /** {@code target}: null or "stdout", "off" (returns null), or a file appended to. */
    public static AccessLog open(String target) throws IOException {
        LineWriter<Outcome> w = LineWriter.open(target, "access-log", "fader-access-log", AccessLog::line);
        return w == null ? null : new AccessLog(w);
    }

    @Override
    public void record(Outcome o) {
        out.add(o);
    }

    public long dropped() {
        return out.dropped();
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

    @Override
    public void close() {
        out.close();
    }
}
