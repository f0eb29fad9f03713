package dev.fader.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What was counted of a rollout's randomly split traffic: per gate {canary trials, canary bad events,
 * baseline trials, baseline bad events}, and the output-token test's per-stake log sums, answers and
 * tokens per side. Every part adds across instances and subtracts across snapshots of one instance: the
 * engine's sufficient statistics, so a fleet's evidence is exactly what one instance would have gathered
 * from all the traffic (each period being judged at its own share).
 *
 * @param gates per gate name, in the judge's order
 * @param tokenWorse the token test's log wealth per stake against "canary within ratio", or empty
 * @param tokenWithin its mirror
 * @param answers answers read, canary then baseline
 * @param tokens output tokens summed, canary then baseline
 */
public record Tallies(Map<String, long[]> gates, double[] tokenWorse, double[] tokenWithin, long[] answers,
        double[] tokens) {
    public static final Tallies NONE = new Tallies(Map.of(), new double[0], new double[0], new long[2], new double[2]);

    public Tallies {
        gates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gates));
    }

    /** The randomly split requests of each side, as the errors gate counts them (every judged request). */
    public long requests(boolean canary) {
        long[] e = gates.get("errors");
        return e == null ? 0 : e[canary ? 0 : 2];
    }

    public Tallies plus(Tallies o) {
        return combine(o, 1);
    }

    public Tallies minus(Tallies o) {
        return combine(o, -1);
    }

    private Tallies combine(Tallies o, int sign) {
        Map<String, long[]> g = new LinkedHashMap<>();
        gates.forEach((name, c) -> g.put(name, c.clone()));
        o.gates.forEach((name, c) -> {
            long[] mine = g.computeIfAbsent(name, k -> new long[4]);
            for (int i = 0; i < 4; i++) {
                mine[i] += sign * c[i];
            }
        });
        return new Tallies(g, add(tokenWorse, o.tokenWorse, sign), add(tokenWithin, o.tokenWithin, sign),
                new long[] {answers[0] + sign * o.answers[0], answers[1] + sign * o.answers[1]},
                new double[] {tokens[0] + sign * o.tokens[0], tokens[1] + sign * o.tokens[1]});
    }

    private static double[] add(double[] a, double[] b, int sign) {
        double[] out = new double[Math.max(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i < a.length ? a[i] : 0) + sign * (i < b.length ? b[i] : 0);
        }
        return out;
    }

    /** One stretch of a rollout with one canary share: what was counted in it, and that share. */
    public record Period(long id, int shareBasisPoints, Tallies tallies) {
    }
}
