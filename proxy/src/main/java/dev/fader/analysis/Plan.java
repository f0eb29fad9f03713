package dev.fader.analysis;

import dev.fader.config.FaderConfig;
import dev.fader.config.ProgressiveConfig;
import dev.fader.config.RolloutConfig;
import dev.fader.feedback.JsonWriter;
import dev.fader.feedback.Outcome;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.routing.SyntheticRequest;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code fader plan}: the rollout's own controller, with its real steps, minimums, gates and clock, run
 * many times over simulated traffic, to say how often it promotes or aborts and how fast.
 *
 * <p>Workload of one run: every simulated second, {@code rps} requests, each from a user drawn uniformly
 * from {@code users} keys, routed by the real routing table at the controller's current weight; a request
 * on the canary fails with {@code canaryError}, any other with {@code baselineError}; every answer takes
 * 10 ms (never slow). The controller ticks once a second. A {@code manual} step is promoted as soon as it
 * is reached (an operator at the keyboard). A run ends promoted, aborted or paused, or undecided after
 * three times the longest it could need (every step's minimum time, or its minimum requests at the step's
 * share, whichever is longer). Runs are seeded ({@code seed}, run number): the same arguments give the
 * same answer.
 */
public final class Plan {
    private static final long ANSWER_NANOS = 10_000_000;

    /** What to simulate; error rates are fractions. */
    public record Settings(double baselineError, double canaryError, int users, int rps, int runs, long seed) {
    }

    /** Per outcome, the runs; for aborted runs the canary requests they took, for promoted ones the seconds. */
    public record Result(int runs, int promoted, int aborted, int paused, int undecided, long[] canaryRequestsToAbort,
            long[] secondsToPromote) {

        /** The contract's object (section 8). */
        public String json() {
            JsonWriter w = new JsonWriter().beginObject().field("runs", runs).field("promoted", promoted)
                    .field("aborted", aborted).field("paused", paused).field("undecided", undecided);
            quantiles(w.name("canaryRequestsToAbort"), canaryRequestsToAbort);
            quantiles(w.name("secondsToPromote"), secondsToPromote);
            return w.endObject().toString();
        }

        private static void quantiles(JsonWriter w, long[] sorted) {
            w.beginObject();
            for (double q : new double[] {0.50, 0.90, 0.99}) {
                String name = "p" + Math.round(q * 100);
                if (sorted.length == 0) {
                    w.name(name).value((String) null);
                } else {
                    w.field(name, quantile(sorted, q));
                }
            }
            w.endObject();
        }

        /** The q-quantile of sorted values (the smallest value with at least q of them at or below it). */
        public static long quantile(long[] sorted, double q) {
            return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        }
    }

    private Plan() {
    }

    /** Runs {@code rollout} of {@code config} (it must have a progressive block) as {@code s} says. */
    public static Result run(FaderConfig config, String rollout, Settings s) {
        RolloutConfig r = config.rollouts().stream().filter(x -> x.name().equals(rollout)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rollout '" + rollout + "' in " + config.source()));
        if (r.progressive() == null) {
            throw new IllegalArgumentException("rollout '" + rollout + "' has no progressive block (expected: steps to plan)");
        }
        String canary = Controllers.canaryOf(r);
        String[] users = new String[s.users()];
        for (int i = 0; i < users.length; i++) {
            users[i] = "user-" + i;
        }
        long limit = limitSeconds(r.progressive(), s.rps());
        int promoted = 0;
        int aborted = 0;
        int paused = 0;
        long[] toAbort = new long[s.runs()];
        long[] toPromote = new long[s.runs()];
        for (int run = 0; run < s.runs(); run++) {
            long[] canaryRequests = new long[1];
            long[] seconds = new long[1];
            RolloutState.Phase end = once(config, r, canary, users, s, new SplittableRandom(s.seed() * 1_000_003L + run),
                    limit, canaryRequests, seconds);
            switch (end) {
                case PROMOTED -> toPromote[promoted++] = seconds[0];
                case ABORTED -> toAbort[aborted++] = canaryRequests[0];
                case PAUSED -> paused++;
                default -> { }
            }
        }
        long[] a = Arrays.copyOf(toAbort, aborted);
        long[] p = Arrays.copyOf(toPromote, promoted);
        Arrays.sort(a);
        Arrays.sort(p);
        return new Result(s.runs(), promoted, aborted, paused, s.runs() - promoted - aborted - paused, a, p);
    }

    private static RolloutState.Phase once(FaderConfig config, RolloutConfig r, String canary, String[] users,
            Settings s, SplittableRandom rnd, long limit, long[] canaryRequests, long[] seconds) {
        RolloutController c = new RolloutController(r, canary, RolloutState.start(r.name(), "plan", 0));
        CompiledRollout routed = compile(config, c);
        StringBuilder why = new StringBuilder();
        for (long second = 1; second <= limit; second++) {
            for (int i = 0; i < s.rps(); i++) {
                RouteDecision d = routed.decide(SyntheticRequest.forUser(routed, users[rnd.nextInt(users.length)]));
                boolean onCanary = d.variant().equals(canary);
                boolean failed = rnd.nextDouble() < (onCanary ? s.canaryError() : s.baselineError());
                canaryRequests[0] += onCanary ? 1 : 0;
                c.record(outcome(d, failed));
            }
            int before = c.weight();
            long now = second * 1000;
            RolloutState st = c.tick(now);
            if (st == null && c.progressive().steps().get(c.state().step()) == ProgressiveConfig.MANUAL) {
                st = c.control("promote", now, why);
            }
            if (st != null && st.phase() != RolloutState.Phase.PROGRESSING) {
                seconds[0] = second;
                return st.phase();
            }
            if (c.weight() != before) {
                routed = compile(config, c);
            }
        }
        return RolloutState.Phase.PROGRESSING;
    }

    private static CompiledRollout compile(FaderConfig config, RolloutController c) {
        return RoutingTable.compile(config, 1, Map.of(c.name(), c.override())).rollout(c.name());
    }

    private static Outcome outcome(RouteDecision d, boolean failed) {
        return new Outcome(new Outcome.Request(0, "", "GET", "", "/", null), new Outcome.Route(d.rollout().name(),
                d.variant(), d.layer(), d.bucket(), d.keyHash(), d.userTag(), d.upstream(), "", false, -1),
                failed ? Outcome.Kind.S5XX : Outcome.Kind.S2XX, failed ? 500 : 200, ANSWER_NANOS, ANSWER_NANOS, 0, 0, false,
                null, null);
    }

    /** Three times the longest the steps could take: each its minimum time, or its minimum requests at its share. */
    static long limitSeconds(ProgressiveConfig p, int rps) {
        long total = 0;
        for (int step : p.steps()) {
            double share = step < 0 ? 0.5 : Math.max(1, Math.min(step, 10_000 - step)) / 10_000.0;
            long forRequests = (long) Math.ceil(p.stepMinRequests() / (share * Math.max(1, rps)));
            total += Math.max(p.stepMinDuration().toSeconds(), forRequests) + 1;
        }
        return 3 * total;
    }
}
