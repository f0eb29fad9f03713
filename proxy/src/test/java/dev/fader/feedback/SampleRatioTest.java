package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sequential sample-ratio test: its closed form against the running product it stands for, its
 * false-alarm bound when looked at after every user (seeded, 1,000 runs), and its power on a broken split.
 */
class SampleRatioTest {
    static final Map<String, Integer> SHARES = Map.of("stable", 9_000, "canary", 1_000);

    @Test
    void logGammaMatchesKnownValues() {
        assertThat(LogGamma.of(1)).isCloseTo(0, within(1e-12));
        assertThat(LogGamma.of(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), within(1e-12));
        assertThat(LogGamma.of(10)).isCloseTo(Math.log(362_880), within(1e-10));
        assertThat(LogGamma.of(1e6)).isCloseTo(Binomial.logFactorial(999_999), within(1e-6));
    }

    /** The Bayes factor as the product of each user's predictive probability over its null probability. */
    static double runningLogEvidence(long[] counts, double[] p) {
        double log = 0;
        long[] n = new long[counts.length];
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            for (long k = 0; k < counts[i]; k++) {
                log += Math.log((100 * p[i] + n[i]) / (100 + total)) - Math.log(p[i]);
                n[i]++;
                total++;
            }
        }
        return log;
    }

    @Test
    void theClosedFormIsTheProductOfPredictiveRatios() {
        long[] counts = {4_321, 512};
        double closed = SampleRatio.logBayesFactor(Map.of("stable", 4_321L, "canary", 512L), SHARES);
        assertThat(closed).isCloseTo(runningLogEvidence(counts, new double[] {0.9, 0.1}), within(1e-6));
    }

    /** Per run, the users seen when the test first flagged a mismatch, or -1. */
    static long[] simulate(double canaryShare, int runs, int users, long seed) {
        long[] at = new long[runs];
        double threshold = Math.log(1 / SampleRatio.ALPHA);
        for (int r = 0; r < runs; r++) {
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + r);
            long[] n = new long[2];
            double log = 0;
            at[r] = -1;
            for (int u = 0; u < users; u++) {
                int i = rnd.nextDouble() < canaryShare ? 1 : 0;
                double p = i == 1 ? 0.1 : 0.9;
                log += Math.log((100 * p + n[i]) / (100 + n[0] + n[1])) - Math.log(p);
                n[i]++;
                if (log >= threshold) {
                    at[r] = u + 1;
                    break;
                }
            }
        }
        return at;
    }

    @Test
    void aSplitAsConfiguredIsFlaggedInAtMost3Of1000RunsLookedAtAfterEveryUser() {
        long flagged = java.util.Arrays.stream(simulate(0.10, 1000, 20_000, 1)).filter(a -> a >= 0).count();
        System.out.printf("sample ratio, split as configured: %d of 1,000 runs flagged%n", flagged);
        assertThat(flagged).as("false alarms in 1,000 runs (alpha 0.001)").isLessThanOrEqualTo(3);
    }

    @Test
    void aSplitGivingTheCanary12PercentInsteadOf10IsFlaggedIn99PercentOfRuns() {
        long[] at = simulate(0.12, 300, 20_000, 2);
        long flagged = java.util.Arrays.stream(at).filter(a -> a >= 0).count();
        System.out.printf("sample ratio, 12%% instead of 10%%: %d of 300 flagged within 20,000 users%n", flagged);
        assertThat(flagged).as("of 300 runs").isGreaterThanOrEqualTo(297);
    }

    @Test
    void aUserInAVariantTheLayerNeverGivesOutIsAMismatchAtOnce() {
        SampleRatio s = SampleRatio.test("everyone", Map.of("stable", 10L, "other", 1L), SHARES);
        assertThat(s.mismatch()).isTrue();
        assertThat(SampleRatio.test("everyone", Map.of("stable", 90L, "canary", 10L), SHARES).mismatch()).isFalse();
    }
}
