package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The token gate's guarantee, by seeded simulation: answers of log-normal length (sigma 0.6), each the
 * canary's with the share of its step (5%, 25%, 50%, a step every 2,000 answers), counted up to 2,048 tokens.
 */
class MeanRatioEvidenceTest {
    static final double ALPHA = 0.05;
    static final int RUNS = 400;
    static final double[] STEPS = {0.05, 0.25, 0.5};

    /** Runs in which the evidence ever reached its bar, looking after every answer. */
    static int everReached(double baselineMean, double canaryMean, double ratio, boolean worse, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double bar = Math.log(worse ? 1 / ALPHA : 2 / ALPHA);
        int reached = 0;
        for (int run = 0; run < RUNS; run++) {
            MeanRatioEvidence e = new MeanRatioEvidence(ratio, 2048);
            for (int i = 0; i < 6000; i++) {
                double p = STEPS[i / 2000];
                boolean canary = random.nextDouble() < p;
                e.add(canary, tokens(random, canary ? canaryMean : baselineMean), p);
                if ((worse ? e.logWorse() : e.logWithin()) >= bar) {
                    reached++;
                    break;
                }
            }
        }
        return reached;
    }

    static long tokens(SplittableRandom random, double mean) {
        double sigma = 0.6;
        double z = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        return Math.round(Math.exp(Math.log(mean) - sigma * sigma / 2 + sigma * z));
    }

    /** At most alpha plus three standard errors of the simulation. */
    static int allowed() {
        return (int) Math.ceil(RUNS * (ALPHA + 3 * Math.sqrt(ALPHA * (1 - ALPHA) / RUNS)));
    }

    @Test
    void aCanaryAtTheToleratedRatioIsCalledWorseAtMostAlphaOfTheTime() {
        int falseAlarms = everReached(300, 360, 1.2, true, 1);
        System.out.printf("canary mean at exactly 1.2x, limit 1.2x: worse in %d of %d runs%n", falseAlarms, RUNS);
        assertThat(falseAlarms).isLessThanOrEqualTo(allowed());
    }

    @Test
    void aCanaryAtTheToleratedRatioIsCalledWithinAtMostAlphaOfTheTime() {
        int falseAlarms = everReached(300, 360, 1.2, false, 2);
        System.out.printf("canary mean at exactly 1.2x, limit 1.2x: within in %d of %d runs%n", falseAlarms, RUNS);
        assertThat(falseAlarms).isLessThanOrEqualTo(allowed());
    }

    @Test
    void aCanaryWritingTwiceAsMuchIsCaughtAndAnEqualOneIsShownWithin() {
        int caught = everReached(300, 600, 1.2, true, 3);
        int shownWithin = everReached(300, 300, 1.2, false, 4);
        System.out.printf("2x tokens: caught in %d of %d runs; equal: shown within in %d of %d%n", caught, RUNS,
                shownWithin, RUNS);
        assertThat(caught).isGreaterThanOrEqualTo(RUNS * 95 / 100);
        assertThat(shownWithin).isGreaterThanOrEqualTo(RUNS * 50 / 100);
    }
}
