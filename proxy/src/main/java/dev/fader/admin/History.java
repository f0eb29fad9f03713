package dev.fader.admin;

import dev.fader.analysis.Controllers;
import dev.fader.analysis.RolloutController;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.JsonWriter;
import dev.fader.feedback.ModelWindow;
import dev.fader.feedback.WindowSnapshot;
import dev.fader.metrics.ProxyMetrics;
import dev.fader.routing.CompiledLayer;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the page's charts show, one sample per tick for one feedback window: per rollout the canary's
 * share of the split, per variant its requests per second and error rate since the last sample (from the
 * request counters, so a spike shows at once) and its p99 and time to first token over the window. Taken
 * on the ticker's thread, never on the request path; read by the admin worker.
 */
public final class History {
    private record Point(double rps, double errorRate, double p99Ms, double ttftMs) {
    }

    private record Sample(long atMillis, Map<String, Double> weights, Map<String, Map<String, Point>> variants) {
    }

    private final Supplier<RoutingTable> table;
    private final FeedbackWindows windows;
    private final ProxyMetrics metrics;
    private final Controllers controllers;
    private final int capacity;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Map<String, long[]> lastTotals = new HashMap<>(); // rollout/variant -> {requests, errors}
    private long lastMillis;

    public History(Supplier<RoutingTable> table, FeedbackWindows windows, ProxyMetrics metrics, Controllers controllers,
            Duration window, Duration every) {
        this.table = table;
        this.windows = windows;
        this.metrics = metrics;
        this.controllers = controllers;
        this.capacity = (int) Math.max(2, window.toMillis() / Math.max(1, every.toMillis()));
    }

    /** One sample of every rollout as of {@code nowMillis}. */
    public synchronized void sample(long nowMillis) {
        double seconds = lastMillis == 0 ? 0 : (nowMillis - lastMillis) / 1000.0;
        Map<String, Double> weights = new LinkedHashMap<>();
        Map<String, Map<String, Point>> variants = new LinkedHashMap<>();
        for (CompiledRollout r : table.get().rollouts()) {
            weights.put(r.name(), canaryShare(r));
            Map<String, Point> points = new LinkedHashMap<>();
            for (String v : r.variants().keySet()) {
                long[] now = metrics.requestTotals(r.name(), v);
                long[] before = lastTotals.put(r.name() + '/' + v, now);
                long requests = before == null ? 0 : now[0] - before[0];
                long errors = before == null ? 0 : now[1] - before[1];
                WindowSnapshot w = windows.snapshot(r.name(), v);
                ModelWindow m = w.model();
                points.put(v, new Point(seconds > 0 && before != null ? requests / seconds : Double.NaN,
                        requests > 0 ? (double) errors / requests : Double.NaN, w.requests() > 0 ? w.p99Millis() : Double.NaN,
                        m != null && m.answers() > 0 ? m.ttftP50Millis() : Double.NaN));
            }
            variants.put(r.name(), points);
        }
        lastMillis = nowMillis;
        samples.addLast(new Sample(nowMillis, weights, variants));
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
    }

    /** The canary's share of the catch-all split in percent: the progressive canary's, else the first non-baseline's. */
    private double canaryShare(CompiledRollout r) {
        RolloutController c = controllers.get(r.name());
        if (c != null) {
            return c.weight() / 100.0;
        }
        List<CompiledLayer> layers = r.layers();
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).isCatchAll()) {
                return layers.get(i).shares().values().stream().mapToInt(Integer::intValue).sum() / 100.0;
            }
        }
        return 0;
    }

    /**
     * Column-wise, as a chart takes it: {@code {"t": [seconds], "rollouts": {name: {"weight": [...],
     * "variants": {v: {"rps", "errorRate", "p99Ms", "ttftMs"}}}}}}, null where a value is unknown.
     */
    public synchronized String json() {
        List<Sample> list = new ArrayList<>(samples);
        JsonWriter w = new JsonWriter().beginObject();
        w.name("t").beginArray();
        list.forEach(s -> w.value(s.atMillis() / 1000.0));
        w.endArray().name("rollouts").beginObject();
        for (CompiledRollout r : table.get().rollouts()) {
            w.name(r.name()).beginObject().name("weight").beginArray();
            list.forEach(s -> number(w, s.weights().get(r.name())));
            w.endArray().name("variants").beginObject();
            for (String v : r.variants().keySet()) {
                w.name(v).beginObject();
                series(w, "rps", list, r.name(), v, Point::rps);
                series(w, "errorRate", list, r.name(), v, Point::errorRate);
                series(w, "p99Ms", list, r.name(), v, Point::p99Ms);
                series(w, "ttftMs", list, r.name(), v, Point::ttftMs);
                w.endObject();
            }
            w.endObject().endObject();
        }
        return w.endObject().endObject().toString();
    }

    private static void series(JsonWriter w, String name, List<Sample> list, String rollout, String variant,
            java.util.function.ToDoubleFunction<Point> field) {
        w.name(name).beginArray();
        for (Sample s : list) {
            Point p = s.variants().getOrDefault(rollout, Map.of()).get(variant);
            number(w, p == null ? null : field.applyAsDouble(p));
        }
        w.endArray();
    }

    private static void number(JsonWriter w, Double d) {
        if (d == null || d.isNaN() || d.isInfinite()) {
            w.value((String) null);
        } else {
            w.value(Math.round(d * 1000) / 1000.0);
        }
    }
}
