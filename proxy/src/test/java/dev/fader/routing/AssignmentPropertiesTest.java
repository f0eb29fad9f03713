package dev.fader.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.feedback.Binomial;
import dev.fader.feedback.Normal;
import dev.fader.testing.Configs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The statistical promises of assignment, over 100,000 seeded random user keys: stickiness, monotonic
 * ramps, uniform buckets, independent salts, and accurate splits.
 */
class AssignmentPropertiesTest {
    static final int N = 100_000;

    static String[] keys(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] out = new String[N];
        for (int i = 0; i < N; i++) {
            out[i] = "user-" + Long.toHexString(r.nextLong());
        }
        return out;
    }

    static RoutingTable split(String share) {
        return Configs.table(Configs.canary("user-key: [header:X-User-Id]\nsplit: { canary: " + share + " }"));
    }

    static String variant(RoutingTable t, String key) {
        return t.decide(SyntheticRequest.builder().header("X-User-Id", key).build()).variant();
    }

    @Test
    void sameKeySameVariantAcrossRecompiles() {
        RoutingTable a = split("30%");
        RoutingTable b = split("30%");
        for (String k : keys(1)) {
            assertThat(variant(b, k)).isEqualTo(variant(a, k));
        }
    }

    @Test
    void raisingTheWeightMovesExactlyTheNewBucketsAndOnlyTowardTheCanary() {
        RoutingTable before = split("5%");
        RoutingTable after = split("15%");
        int moved = 0;
        for (String k : keys(2)) {
            int bucket = Buckets.of("web:", k);
            String v1 = variant(before, k);
            String v2 = variant(after, k);
            boolean shouldMove = bucket >= 500 && bucket < 1500;
            assertThat(!v1.equals(v2)).as("key %s bucket %d", k, bucket).isEqualTo(shouldMove);
            if (shouldMove) {
                assertThat(v1).isEqualTo("stable");
                assertThat(v2).isEqualTo("canary");
                moved++;
            }
            if (v1.equals("canary")) {
                assertThat(v2).isEqualTo("canary");
            }
        }
        assertThat(moved).isPositive();
    }

    @Test
    void bucketsAreUniform() {
        long[] counts = new long[Buckets.COUNT];
        for (String k : keys(3)) {
            counts[Buckets.of("web:", k)]++;
        }
        double expected = (double) N / Buckets.COUNT;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // Wilson-Hilferty: (chi2/df)^(1/3) is close to normal with mean 1 - 2/(9df), variance 2/(9df).
        int df = Buckets.COUNT - 1;
        double z = (Math.cbrt(chi2 / df) - (1 - 2.0 / (9 * df))) / Math.sqrt(2.0 / (9 * df));
        double p = Normal.upperTail(z);
        assertThat(p).as("chi2=%.1f df=%d", chi2, df).isGreaterThan(0.001);
    }

    @Test
    void differentSaltsAreIndependent() {
        int both = 0;
        for (String k : keys(4)) {
            boolean inA = Buckets.of("rollout-a:", k) < 1000;   // 10%
            boolean inB = Buckets.of("rollout-b:", k) < 2000;   // 20%
            if (inA && inB) {
                both++;
            }
        }
        assertThat(100.0 * both / N).isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.3));
    }

    @Test
    void tenPercentSplitLandsInTheBinomialInterval() {
        RoutingTable t = split("10%");
        long canary = 0;
        for (String k : keys(5)) {
            if (variant(t, k).equals("canary")) {
                canary++;
            }
        }
        long[] ci = Binomial.interval(N, 0.10, 0.999);
        assertThat(canary).isBetween(ci[0], ci[1]);
    }

    @Test
    void nWaySplitTakesConsecutiveRangesInWrittenOrder() {
        RoutingTable t = Configs.table(Configs.canary("user-key: [header:X-User-Id]\nsplit: { other: 10%, canary: 20% }"));
        long[] seen = new long[3];
        for (String k : keys(6)) {
            int bucket = Buckets.of("web:", k);
            String v = variant(t, k);
            String expected = bucket < 1000 ? "other" : bucket < 3000 ? "canary" : "stable";
            assertThat(v).isEqualTo(expected);
            seen[v.equals("other") ? 0 : v.equals("canary") ? 1 : 2]++;
        }
        long[] ciOther = Binomial.interval(N, 0.10, 0.999);
        long[] ciCanary = Binomial.interval(N, 0.20, 0.999);
        assertThat(seen[0]).isBetween(ciOther[0], ciOther[1]);
        assertThat(seen[1]).isBetween(ciCanary[0], ciCanary[1]);
    }
}
