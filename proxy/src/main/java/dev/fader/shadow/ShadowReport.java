package dev.fader.shadow;

import dev.fader.config.ShadowConfig;
import dev.fader.feedback.JsonWriter;
import java.util.List;

/** Renders one rollout's {@link ShadowStats}: the contract's {@code GET /shadow/{rollout}} and a line for {@code /status}. */
final class ShadowReport {
    private ShadowReport() {
    }

    static String json(String rollout, ShadowConfig cfg, ShadowStats s) {
        boolean withNoise = cfg.noise() != null;
        long compared = s.compared.sum();
        JsonWriter w = new JsonWriter().beginObject().field("rollout", rollout).field("candidate", cfg.upstream())
                .field("noise", cfg.noise()).field("compared", compared).field("comparedWithNoise", s.comparedWithNoise.sum())
                .field("dropped", s.dropped.sum()).field("skipped", s.skipped.sum()).field("errors", s.errors.sum())
                .field("meanLatencyRatio", compared == 0 ? 0 : s.latencyRatio.sum() / compared)
                .field("meanSizeRatio", compared == 0 ? 0 : s.sizeRatio.sum() / compared)
                .field("rule", withNoise ? String.format("reported when the candidate's rate is above the noise rate by"
                        + " at least %.0f points and %.0f%% of it, and their 99%% Wilson intervals do not overlap",
                        100 * ShadowStats.ABSOLUTE, 100 * ShadowStats.RELATIVE)
                        : "no noise copy: every difference is reported");
        List<ShadowStats.Row> rows = s.rows(withNoise);
        w.name("fields").beginArray();
        for (ShadowStats.Row r : rows) {
            w.beginObject().field("field", r.field()).field("differences", r.differences()).field("noise", r.noise())
                    .field("rate", r.rate()).field("noiseRate", r.noiseRate()).field("reported", r.reported()).endObject();
        }
        w.endArray().name("examples").beginArray();
        for (ShadowStats.Row r : rows) {
            for (ShadowStats.Example e : r.examples()) {
                w.beginObject().field("field", r.field()).field("requestId", e.requestId()).field("path", e.path())
                        .field("primary", e.primary()).field("candidate", e.other()).endObject();
            }
        }
        return w.endArray().endObject().toString();
    }

    static String summary(ShadowConfig cfg, ShadowStats s) {
        List<ShadowStats.Row> reported = s.rows(cfg.noise() != null).stream().filter(ShadowStats.Row::reported).toList();
        StringBuilder b = new StringBuilder(String.format("to %s: %d compared, %d dropped, %d skipped, %d errors; ",
                cfg.upstream(), s.compared.sum(), s.dropped.sum(), s.skipped.sum(), s.errors.sum()));
        if (reported.isEmpty()) {
            return b.append(cfg.noise() == null ? "no field differs" : "no field differs beyond noise").toString();
        }
        b.append(reported.size()).append(reported.size() == 1 ? " field differs" : " fields differ")
                .append(cfg.noise() == null ? ": " : " beyond noise: ");
        for (int i = 0; i < Math.min(3, reported.size()); i++) {
            ShadowStats.Row r = reported.get(i);
            b.append(i == 0 ? "" : ", ").append(String.format("%s (%.0f%% vs %.0f%% noise)", r.field(), 100 * r.rate(),
                    100 * r.noiseRate()));
        }
        return b.append(reported.size() > 3 ? ", ..." : "").toString();
    }
}
