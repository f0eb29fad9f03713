package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The anytime-valid promise, simulated with fixed seeds and checked after every request, as the
 * controller may: equal error rates abort at most alpha of rollouts; a bad canary is caught fast.
 */
class MixtureEvidenceTest {
    static final double ALPHA = 0.01;

    /** One simulated step: requests split at {@code share}; true when a gate ever fails. */
    static long firstFailure(SplittableRandom r, double share, double canaryRate, double baselineRate, int requests) {
        long nc = 0;
        long kc = 0;
        long nb = 0;
        long kb = 0;
        for (int i = 1; i <= requests; i++) {
            if (r.nextDouble() < share) {
                nc++;
                kc += r.nextDouble() < canaryRate ? 1 : 0;
            } else {
                nb++;
                kb += r.nextDouble() < baselineRate ? 1 : 0;
            }
            if (Gate.judge("errors", nc, kc, nb, kb, 1.5, 0.005, ALPHA).failed()) {
                return nc;
            }
        }
        return -1;
    }

    @Test
    void sharedErrorRateAbortsAtMostAlphaOfRollouts() {
        SplittableRandom r = new SplittableRandom(1128);
        int aborted = 0;
        int runs = 1000;
        for (int run = 0; run < runs; run++) {
            double rate = 0.002 + r.nextDouble() * 0.03;
            double share = new double[] {0.01, 0.05, 0.25, 0.5}[run % 4];
            aborted += firstFailure(r, share, rate, rate, 20_000) >= 0 ? 1 : 0;
        }
        // Ville's bound gives <= alpha (10 of 1,000); the 3-sigma sampling margin of a 1% rate is 0.94%.
        assertThat(aborted).as("false alarms in %d rollouts", runs).isLessThanOrEqualTo(19);
    }

    @Test
    void fivePercentAgainstHalfAPercentAtAFivePercentStepIsCaughtWithin600CanaryRequests() {
        SplittableRandom r = new SplittableRandom(5);
        int caught = 0;
        long worst = 0;
        int runs = 300;
        for (int run = 0; run < runs; run++) {
            long at = firstFailure(r, 0.05, 0.05, 0.005, 40_000);
            if (at >= 0 && at <= 600) {
                caught++;
            }
            worst = Math.max(worst, at);
        }
        assertThat(caught).as("runs caught within 600 canary requests (worst %d)", worst)
                .isGreaterThanOrEqualTo((int) Math.ceil(runs * 0.99));
    }

    @Test
    void noDataIsNoEvidence() {
        assertThat(MixtureEvidence.logEvidence(0, 0, 0.01)).isZero();
        assertThat(MixtureEvidence.rejects(100, 0, 0.01, ALPHA)).isFalse();
        assertThat(MixtureEvidence.rejects(100, 60, 0.01, ALPHA)).isTrue();
    }
}
