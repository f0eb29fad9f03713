package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The verdict's statistical promises, with fixed seeds: few false alarms when rates are equal, quick
 * detection of a real regression, and never HEALTHY before the minimum sample.
 */
class CanaryJudgeTest {
    final CanaryJudge judge = new CanaryJudge(200, 1.25, 0.01);

    static long binomial(SplittableRandom r, long n, double p) {
        long k = 0;
        for (long i = 0; i < n; i++) {
            if (r.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    @Test
    void equalErrorRatesAreDegradedInAtMostOnePercentOfWindows() {
        SplittableRandom r = new SplittableRandom(20261128);
        int alarms = 0;
        for (int w = 0; w < 1000; w++) {
            long total = 2000 + r.nextInt(8000);
            long canary = binomial(r, total, 0.10);
            long baseline = total - canary;
            double rate = 0.005 + r.nextDouble() * 0.05; // 0.5% .. 5.5%, the same on both sides
            Verdict v = judge.judge(canary, binomial(r, canary, rate), baseline, binomial(r, baseline, rate));
            alarms += v.status() == Verdict.Status.DEGRADED ? 1 : 0;
        }
        // alpha is 0.01 and the 1.25x tolerance makes the test conservative at equal rates.
        assertThat(alarms).isLessThanOrEqualTo(10);
    }

    @Test
    void fivePercentAgainstOnePercentAtATenPercentShareIsFoundWithin5000Requests() {
        SplittableRandom r = new SplittableRandom(42);
        int found = 0;
        int runs = 200;
        for (int run = 0; run < runs; run++) {
            long nc = 0;
            long ec = 0;
            long nb = 0;
            long eb = 0;
            for (int i = 1; i <= 5000; i++) {
                if (r.nextDouble() < 0.10) {
                    nc++;
                    ec += r.nextDouble() < 0.05 ? 1 : 0;
                } else {
                    nb++;
                    eb += r.nextDouble() < 0.01 ? 1 : 0;
                }
                if (i % 100 == 0 && judge.judge(nc, ec, nb, eb).status() == Verdict.Status.DEGRADED) {
                    found++;
                    break;
                }
            }
        }
        assertThat(found).as("runs detecting within 5000 requests (about 500 on the canary)").isGreaterThanOrEqualTo(198);
    }

    @Test
    void belowTheMinimumSampleItIsAlwaysInsufficientNeverHealthy() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 1000; i++) {
            long nc = r.nextInt(200);
            long nb = 200 + r.nextInt(10_000);
            Verdict v = judge.judge(nc, r.nextInt((int) nc + 1), nb, r.nextInt(10));
            assertThat(v.status()).isEqualTo(Verdict.Status.INSUFFICIENT_DATA);
            Verdict w = judge.judge(nb, 0, nc, 0);
            assertThat(w.status()).isEqualTo(Verdict.Status.INSUFFICIENT_DATA);
        }
    }

    @Test
    void noErrorsIsHealthyAndATrivialIncreaseIsTolerated() {
        assertThat(judge.judge(1000, 0, 9000, 0).status()).isEqualTo(Verdict.Status.HEALTHY);
        // 1.1% vs 1.0% over 1,000,000 requests: real but within the 1.25x tolerance
        assertThat(judge.judge(100_000, 1_100, 900_000, 9_000).status()).isEqualTo(Verdict.Status.HEALTHY);
        assertThat(judge.judge(100_000, 1_500, 900_000, 9_000).status()).isEqualTo(Verdict.Status.DEGRADED);
    }

    @Test
    void sampleRatioFlagsABrokenSplitOnly() {
        assertThat(SampleRatio.test("everyone", java.util.Map.of("canary", 1010L, "stable", 8990L),
                java.util.Map.of("canary", 1000, "stable", 9000), 200).mismatch()).isFalse();
        SampleRatio broken = SampleRatio.test("everyone", java.util.Map.of("canary", 1400L, "stable", 8600L),
                java.util.Map.of("canary", 1000, "stable", 9000), 200);
        assertThat(broken.mismatch()).isTrue();
        assertThat(broken.pValue()).isLessThan(1e-6);
        assertThat(SampleRatio.test("everyone", java.util.Map.of("canary", 40L, "stable", 60L),
                java.util.Map.of("canary", 1000, "stable", 9000), 200).mismatch()).as("too few users to judge").isFalse();
    }
}
