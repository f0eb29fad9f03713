package dev.fader.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rule that decides what is reported: it separates a real difference from noise, by seeded simulation. */
class ShadowStatsTest {
    /** In how many of {@code runs} a field differing at {@code rate} (noise at {@code noiseRate}) is reported after n requests. */
    static int reported(double rate, double noiseRate, int n, int runs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = 0;
        for (int run = 0; run < runs; run++) {
            long d = 0;
            long dn = 0;
            for (int i = 0; i < n; i++) {
                d += random.nextDouble() < rate ? 1 : 0;
                dn += random.nextDouble() < noiseRate ? 1 : 0;
            }
            count += ShadowStats.beyondNoise(d, n, dn, n) ? 1 : 0;
        }
        return count;
    }

    @Test
    void noiseIsNotReportedAndARealDifferenceIs() {
        int noiseOnly = reported(0.10, 0.10, 500, 1000, 1);
        int idLike = reported(1.0, 1.0, 500, 1000, 2);
        int real = reported(0.30, 0.0, 300, 1000, 3);
        int realOverNoise = reported(0.40, 0.10, 500, 1000, 4);
        int slight = reported(0.11, 0.10, 500, 1000, 5);
        System.out.printf("reported in 1,000 runs: equal 10%% noise %d, ids %d, 30%% vs 0 %d, 40%% vs 10%% %d,"
                + " 11%% vs 10%% %d%n", noiseOnly, idLike, real, realOverNoise, slight);
        assertThat(noiseOnly).isLessThanOrEqualTo(10);
        assertThat(idLike).isZero();
        assertThat(real).isEqualTo(1000);
        assertThat(realOverNoise).isGreaterThanOrEqualTo(990);
        assertThat(slight).as("below the absolute threshold").isZero();
    }

    @Test
    void fieldsAreBoundedAndRowsListReportedOnesFirst() {
        ShadowStats s = new ShadowStats();
        for (int i = 0; i < ShadowStats.MAX_FIELDS + 50; i++) {
            s.field("/data/" + i).candidate.increment();
        }
        s.compared.add(10);
        assertThat(s.rows(false)).hasSize(ShadowStats.MAX_FIELDS + 1);
        assertThat(s.rows(false)).extracting(ShadowStats.Row::field).contains(ShadowStats.OTHER_FIELDS);
        assertThat(s.rows(false).get(0).field()).isEqualTo(ShadowStats.OTHER_FIELDS); // 50 differences, the most
    }
}
