package dev.fader.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fader.analysis.Tallies;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One run's counts as etcd keeps them: {@code {"periods": [{"id", "share", "gates": {name: [4 numbers]}, ...}]}}. */
final class PeriodsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeriodsJson() {
    }

    static String write(List<Tallies.Period> periods) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("periods");
        for (Tallies.Period p : periods) {
            ObjectNode o = list.addObject();
            o.put("id", p.id());
            o.put("share", p.shareBasisPoints());
            ObjectNode gates = o.putObject("gates");
            p.tallies().gates().forEach((name, counts) -> {
                ArrayNode a = gates.putArray(name);
                for (long c : counts) {
                    a.add(c);
                }
            });
            doubles(o.putArray("tokenWorse"), p.tallies().tokenWorse());
            doubles(o.putArray("tokenWithin"), p.tallies().tokenWithin());
            o.putArray("answers").add(p.tallies().answers()[0]).add(p.tallies().answers()[1]);
            doubles(o.putArray("tokens"), p.tallies().tokens());
        }
        return root.toString();
    }

    private static void doubles(ArrayNode a, double[] values) {
        for (double v : values) {
            a.add(v);
        }
    }

    static List<Tallies.Period> read(String text) throws IOException {
        JsonNode root = JSON.readTree(text);
        JsonNode list = root == null ? null : root.get("periods");
        if (list == null || !list.isArray()) {
            throw new IOException("counts: no \"periods\" list in " + abbreviate(text) + " (expected: {\"periods\": [...]})");
        }
        List<Tallies.Period> out = new ArrayList<>();
        for (JsonNode o : list) {
            Map<String, long[]> gates = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("gates").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                long[] c = new long[4];
                for (int i = 0; i < 4; i++) {
                    c[i] = e.getValue().path(i).asLong();
                }
                gates.put(e.getKey(), c);
            }
            out.add(new Tallies.Period(o.path("id").asLong(), o.path("share").asInt(), new Tallies(gates,
                    doubles(o.path("tokenWorse")), doubles(o.path("tokenWithin")),
                    new long[] {o.path("answers").path(0).asLong(), o.path("answers").path(1).asLong()},
                    new double[] {o.path("tokens").path(0).asDouble(), o.path("tokens").path(1).asDouble()})));
        }
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** Periods of many runs summed by (period, share): what the fleet counted in each stretch. */
    static List<Tallies.Period> sum(List<List<Tallies.Period>> runs) {
        Map<String, Tallies.Period> byStretch = new LinkedHashMap<>();
        for (List<Tallies.Period> run : runs) {
            for (Tallies.Period p : run) {
                byStretch.merge(p.id() + "@" + p.shareBasisPoints(), p, (a, b) ->
                        new Tallies.Period(a.id(), a.shareBasisPoints(), a.tallies().plus(b.tallies())));
            }
        }
        List<Tallies.Period> out = new ArrayList<>(byStretch.values());
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }
}
