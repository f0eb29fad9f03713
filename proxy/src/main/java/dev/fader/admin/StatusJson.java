package dev.fader.admin;

import dev.fader.cluster.FleetStatus;
import dev.fader.analysis.Gate;
import dev.fader.analysis.Controllers;
import dev.fader.analysis.RolloutController;
import dev.fader.analysis.RolloutState;
import dev.fader.config.Address;
import dev.fader.config.Durations;
import dev.fader.config.UpstreamConfig;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.JsonWriter;
import dev.fader.feedback.ModelWindow;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.RolloutReport;
import dev.fader.feedback.SampleRatio;
import dev.fader.feedback.SlidingWindow;
import dev.fader.feedback.Verdict;
import dev.fader.feedback.WindowSnapshot;
import dev.fader.routing.RoutingTable;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Renders {@code GET /status}: the contract's fields over the current feedback window, and more. */
final class StatusJson {
    private StatusJson() {
    }

    static String render(AdminApi api) {
        RoutingTable table = api.table();
        FeedbackWindows windows = api.windows();
        AdminApi.ReloadStatus reload = api.lastReload();
        JsonWriter w = new JsonWriter().beginObject()
                .field("epoch", table.epoch())
                .field("config", String.valueOf(table.config().source()))
                .field("draining", api.draining())
                .field("window", Durations.format(windows.settings().window()));
        w.name("lastReload").beginObject()
                .field("ok", reload.ok())
                .field("at", reload.atMillis() == 0 ? null : Instant.ofEpochMilli(reload.atMillis()).toString())
                .field("error", reload.errors().isEmpty() ? null : String.join("\n", reload.errors()));
        w.name("errors").beginArray();
        reload.errors().forEach(w::value);
        w.endArray().name("impact").beginArray();
        reload.impact().forEach(w::value);
        w.endArray().name("restartNeeded").beginArray();
        reload.restartNeeded().forEach(w::value);
        w.endArray().endObject();
        FleetStatus fleet = api.cluster();
        if (fleet != null) {
            w.name("cluster").beginObject().field("instance", fleet.instance()).field("leader", fleet.leader())
                    .field("connected", fleet.connected()).field("lastError", fleet.lastError());
            w.name("instances").beginArray();
            fleet.instances().forEach(w::value);
            w.endArray().endObject();
        }
        w.name("rollouts").beginArray();
        for (RolloutReport r : RolloutReport.of(table, windows, api.verdicts())) {
            rollout(w, r, api.controllers().get(r.name()), api.controllers().persisted(r.name()), table.rollout(r.name()).config().observeOpenAi(),
                    api.shadows().summary(r.name()));
        }
        w.endArray();
        endpoints(w, api);
        return w.endObject().toString();
    }

    /** Every endpoint of every pool, with its health and its answers in the window. */
    private static void endpoints(JsonWriter w, AdminApi api) {
        Map<String, SlidingWindow> seen = api.windows().endpoints();
        Set<String> written = new HashSet<>();
        w.name("endpoints").beginObject();
        for (UpstreamConfig pool : api.table().config().upstreams().values()) {
            for (Address a : pool.endpoints()) {
                String key = a.toString();
                if (!written.add(key)) {
                    continue; // listed by an earlier pool
                }
                AdminApi.EndpointState state = api.endpoint(pool.name(), a);
                SlidingWindow window = seen.get(key);
                WindowSnapshot s = window == null ? WindowSnapshot.empty() : window.snapshot();
                w.name(key).beginObject().field("upstream", pool.name()).field("health", state.health())
                        .field("ejected", state.ejected());
                if (state.lastCheckFailure() != null) {
                    w.field("lastCheckFailure", state.lastCheckFailure());
                }
                w.field("requests", s.requests()).field("errors", s.errors()).field("errorRate", s.errorRate())
                        .field("p50Ms", s.p50Millis()).field("p99Ms", s.p99Millis()).endObject();
            }
        }
        w.endObject();
    }

    private static void progressive(JsonWriter w, RolloutController c) {
        RolloutState s = c.state();
        w.field("state", s.phase().label()).field("step", s.step() + 1).field("steps", c.progressive().steps().size())
                .field("canary", c.canary()).field("canaryWeightPercent", c.weight() / 100.0)
                .field("reason", s.reason())
                .field("stepStartedAt", Instant.ofEpochMilli(s.stepStartedMillis()).toString());
        w.name("gates").beginArray();
        for (Gate g : c.gates()) {
            w.beginObject().field("name", g.name()).field("failed", g.failed()).field("evidence", g.describe()).endObject();
        }
        w.endArray().name("history").beginArray();
        for (RolloutState.Event e : s.history()) {
            w.beginObject().field("at", Instant.ofEpochMilli(e.atMillis()).toString()).field("from", e.from())
                    .field("to", e.to()).field("step", e.step() + 1).field("reason", e.reason()).endObject();
        }
        w.endArray();
    }

    /** Section 9's {@code ai} block, and how many answers it rests on. */
    private static void ai(JsonWriter w, ModelWindow m) {
        w.name("ai").beginObject().field("answers", m.answers())
                .field("ttftP50Ms", m.ttftP50Millis()).field("ttftP99Ms", m.ttftP99Millis())
                .field("tpotP50Ms", m.tpotP50Millis())
                .field("inputTokens", m.inputTokens()).field("outputTokens", m.outputTokens())
                .field("meanOutputTokens", m.meanOutputTokens()).field("estimatedAnswers", m.estimated());
        w.name("finish").beginObject();
        m.finishByLabel().forEach(w::field);
        w.endObject().endObject();
    }

    private static void rollout(JsonWriter w, RolloutReport r, RolloutController c, Controllers.Persisted persisted,
            boolean model, String shadow) {
        w.beginObject().field("name", r.name()).field("baseline", r.baseline());
        if (shadow != null) {
            w.field("shadow", shadow);
        }
        if (c == null) {
            w.field("state", "static").name("step").value((String) null);
        } else {
            progressive(w, c);
            w.name("persisted").beginObject().field("ok", persisted == null || persisted.ok());
            if (persisted != null) {
                w.field("error", persisted.error()).field("at", Instant.ofEpochMilli(persisted.atMillis()).toString());
            }
            w.endObject();
        }
        w.name("layers").beginArray();
        for (RolloutReport.Layer l : r.layers()) {
            w.beginObject().field("name", l.name()).field("test", l.test());
            w.name("shares").beginObject();
            for (Map.Entry<String, Integer> s : l.shares().entrySet()) {
                w.field(s.getKey(), s.getValue() / 100.0);
            }
            w.endObject().endObject();
        }
        w.endArray();
        w.name("variants").beginObject();
        for (RolloutReport.Variant v : r.variants()) {
            WindowSnapshot s = v.window();
            w.name(v.name()).beginObject()
                    .field("upstream", v.upstream())
                    .field("requests", s.requests())
                    .field("errors", s.errors())
                    .field("errorRate", s.errorRate())
                    .field("p50Ms", s.p50Millis())
                    .field("p99Ms", s.p99Millis())
                    .field("fallbacks", s.fallbacks())
                    .field("clientAborts", s.count(Outcome.Kind.CLIENT_ABORT));
            w.name("feedback").beginObject().field("positive", s.positive()).field("negative", s.negative());
            if (s.scoreCount() > 0) {
                w.field("meanScore", s.scoreSum() / s.scoreCount());
            }
            w.endObject();
            if (model) {
                ai(w, s.model() == null ? ModelWindow.empty() : s.model());
            }
            Verdict verdict = v.verdict();
            w.field("verdict", verdict.status().name()).field("evidence", verdict.evidence())
                    .field("evidenceNeeded", verdict.needed()).field("verdictReason", verdict.reason()).endObject();
        }
        w.endObject();
        w.name("sampleRatio").beginObject().field("mismatch", r.sampleRatioMismatch())
                .field("usersSampledOneIn", FeedbackWindows.sampledOneIn());
        w.name("layers").beginArray();
        for (SampleRatio s : r.sampleRatios()) {
            w.beginObject().field("layer", s.layer()).field("evidence", s.evidence())
                    .field("evidenceNeeded", 1 / SampleRatio.ALPHA).field("mismatch", s.mismatch());
            w.name("users").beginObject();
            s.users().forEach(w::field);
            w.endObject().endObject();
        }
        w.endArray().endObject();
        w.endObject();
    }
}
