package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded simulations of {@link Comparison}, looked at after every bad event (the most often anything can
 * look): its false-abort bound per rollout at canary shares from 1% to 99%, its power, and a check that
 * the bounds used here are tight enough to catch evidence inflated 7 times.
 */
class ComparisonSimulationTest {
    static final double RATIO = 1.5;
    static final double INCREASE = 0.005;
    static final double ALPHA = 0.01;

    /** Per run, the canary requests seen when it was called degraded, or -1 if it never was. */
    static long[] simulate(double share, double baselineRate, double canaryRate, int runs, int requests, double alpha,
            long seed) {
        return simulate(new double[] {share}, requests, baselineRate, canaryRate, runs, seed, c -> c.degraded(alpha));
    }

    /**
     * Per run, the canary requests seen when {@code stop} first held, or -1 if it never did; the share
     * moves through {@code shares}, {@code perStep} requests each. Requests without a bad event are
     * skipped in geometric jumps (their split does not move the ratio evidence; the difference evidence
     * gets their count), so a run costs its bad events, not its requests.
     */
    static long[] simulate(double[] shares, int perStep, double baselineRate, double canaryRate, int runs, long seed,
            Predicate<Comparison> stop) {
        long[] at = new long[runs];
        for (int r = 0; r < runs; r++) {
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + r);
            Comparison c = new Comparison(RATIO, INCREASE);
            at[r] = -1;
            steps:
            for (double share : shares) {
                double bad = share * canaryRate + (1 - share) * baselineRate;
                double fromCanary = share * canaryRate / bad;
                double logClean = Math.log1p(-bad);
                long seen = 0;
                while (true) {
                    long clean = (long) Math.floor(Math.log(1 - rnd.nextDouble()) / logClean);
                    if (seen + clean + 1 > perStep) {
                        break;
                    }
                    seen += clean + 1;
                    long cleanCanary = Math.round(clean * share * (1 - canaryRate) / (1 - bad));
                    boolean canaryEvent = rnd.nextDouble() < fromCanary;
                    c.add(cleanCanary + (canaryEvent ? 1 : 0), canaryEvent ? 1 : 0,
                            clean - cleanCanary + (canaryEvent ? 0 : 1), canaryEvent ? 0 : 1, share);
                    if (stop.test(c)) {
                        at[r] = c.canaryTrials();
                        break steps;
                    }
                }
            }
        }
        return at;
    }

    static long count(long[] abortedAt) {
        return Arrays.stream(abortedAt).filter(a -> a >= 0).count();
    }

    /** Canaries within tolerance (equal rates; exactly at the tolerated ratio; exactly at the tolerated increase) x shares. */
    static Stream<Arguments> withinTolerance() {
        Object[][] cases = {
            {"equal 3.2%", 0.032, 0.032, 20_000, 1L},
            {"2% -> 3% (ratio limit)", 0.02, 0.03, 20_000, 2L},
            {"0.5% -> 1% (increase limit)", 0.005, 0.010, 40_000, 3L}};
        return Arrays.stream(cases).flatMap(c -> DoubleStream.of(0.01, 0.05, 0.25, 0.50, 0.75, 0.90, 0.99)
                .mapToObj(share -> Arguments.of(c[0], c[1], c[2], c[3], c[4], share)));
    }

    @ParameterizedTest(name = "{0} at share {5}: at most 20 of 1,000 rollouts aborted (alpha 0.01)")
    @MethodSource("withinTolerance")
    void aCanaryWithinToleranceIsAlmostNeverAborted(String name, double baseline, double canary, int requests,
            long seed, double share) {
        long aborted = count(simulate(share, baseline, canary, 1000, requests, ALPHA, seed));
        System.out.printf("%s, share %s: %d of 1,000 aborted%n", name, share, aborted);
        assertThat(aborted).as("false aborts in 1,000 runs at share %s", share).isLessThanOrEqualTo(20);
    }

    @Test
    void fivePercentErrorsAgainstHalfAPercentAreCaughtAtAFivePercentShare() {
        long[] at = simulate(0.05, 0.005, 0.05, 300, 200_000, ALPHA, 4);
        long caught = count(at);
        long[] sorted = Arrays.stream(at).filter(a -> a >= 0).sorted().toArray();
        long p50 = sorted[sorted.length / 2];
        long p99 = sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
        System.out.printf("5%% vs 0.5%% at a 5%% share: caught in %d of 300 runs; canary requests to abort p50 %d, p99 %d%n",
                caught, p50, p99);
        assertThat(caught).as("runs of 300 that caught it").isGreaterThanOrEqualTo(297);
        assertThat(p99).as("p99 canary requests to abort").isLessThan(3_000);
    }

    @Test
    void evidenceInflatedSevenTimesWouldBreakTheFalseAbortBound() {
        // Inflating the evidence 7x is the same as testing at 7 alpha: the checks above must see it.
        long worst = 0;
        for (double share : new double[] {0.05, 0.50, 0.90}) {
            worst = Math.max(worst, count(simulate(share, 0.02, 0.03, 1000, 20_000, 7 * ALPHA, 2)));
        }
        System.out.printf("7x mutant at the ratio limit: worst %d of 1,000 aborted%n", worst);
        assertThat(worst).as("false aborts of the 7x mutant in 1,000 runs at the tolerated ratio").isGreaterThan(20);
    }

    @Test
    void movingTheShareStepByStepKeepsTheBoundForTheWholeRollout() {
        long aborted = count(simulate(new double[] {0.01, 0.05, 0.25, 0.50, 0.75}, 8_000, 0.02, 0.03, 1000, 5,
                c -> c.degraded(ALPHA)));
        System.out.printf("2%% -> 3%% through steps 1/5/25/50/75%%: %d of 1,000 aborted%n", aborted);
        assertThat(aborted).as("false aborts in 1,000 five-step rollouts").isLessThanOrEqualTo(20);
    }

    @ParameterizedTest(name = "share {0}: a canary beyond tolerance (2% -> 3.3%) is called within it in at most 20 of 1,000 runs")
    @ValueSource(doubles = {0.05, 0.50, 0.90})
    void aCanaryBeyondToleranceIsAlmostNeverCalledWithinIt(double share) {
        long wrong = count(simulate(new double[] {share}, 20_000, 0.02, 0.033, 1000, 6, c -> c.within(ALPHA)));
        System.out.printf("2%% -> 3.3%% called within at share %s: %d of 1,000%n", share, wrong);
        assertThat(wrong).as("runs of 1,000 wrongly called within tolerance").isLessThanOrEqualTo(20);
    }

    @Test
    void anEqualCanaryIsShownWithinToleranceAtAFiftyPercentShare() {
        long shown = count(simulate(new double[] {0.5}, 50_000, 0.02, 0.02, 300, 7, c -> c.within(ALPHA)));
        System.out.printf("equal 2%% shown within at 50%%: %d of 300%n", shown);
        assertThat(shown).as("runs of 300 that showed it within tolerance in 50,000 requests").isGreaterThanOrEqualTo(285);
    }
}
