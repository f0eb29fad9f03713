package dev.fader.demo;

import dev.fader.feedback.Outcome;
import dev.fader.feedback.OutcomeSink;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** Counts per variant for the demo's table: requests, errors and a millisecond latency histogram. */
final class DemoStats implements OutcomeSink {
    private final Map<String, Variant> variants = new ConcurrentHashMap<>();

    @Override
    public void record(Outcome o) {
        if (o.variant().isEmpty() || o.kind() == Outcome.Kind.CLIENT_ABORT) {
            return;
        }
        Variant v = variants.computeIfAbsent(o.variant(), k -> new Variant());
        v.requests.increment();
        if (o.kind().isError()) {
            v.errors.increment();
        }
        int ms = (int) Math.min(Variant.MAX_MS, o.totalNanos() / 1_000_000);
        v.latency.incrementAndGet(ms);
    }

    /** Variant name to its row, sorted by name. */
    Map<String, Row> rows() {
        Map<String, Row> out = new TreeMap<>();
        variants.forEach((name, v) -> out.put(name, v.row()));
        return out;
    }

    record Row(long requests, long errors, long p50Ms, long p99Ms) {
        double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    private static final class Variant {
        static final int MAX_MS = 10_000;
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final AtomicLongArray latency = new AtomicLongArray(MAX_MS + 1);

        Row row() {
            long n = 0;
            for (int i = 0; i <= MAX_MS; i++) {
                n += latency.get(i);
            }
            return new Row(requests.sum(), errors.sum(), quantile(n, 0.50), quantile(n, 0.99));
        }

        private long quantile(long n, double q) {
            long rank = (long) Math.ceil(n * q);
            long seen = 0;
            for (int i = 0; i <= MAX_MS; i++) {
                seen += latency.get(i);
                if (seen >= rank && rank > 0) {
                    return i;
                }
            }
            return 0;
        }
    }
}
