package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinomialTest {

    @Test
    void smallExactTails() {
        // P(X >= 8), X ~ Bin(10, 1/2) = (45 + 10 + 1) / 1024
        assertThat(Binomial.upperTail(10, 0.5, 8)).isCloseTo(56.0 / 1024, within(1e-12));
        assertThat(Binomial.upperTail(10, 0.5, 0)).isEqualTo(1.0);
        assertThat(Binomial.upperTail(10, 0.5, 11)).isEqualTo(0.0);
        // P(X >= 1), X ~ Bin(20, 0.05) = 1 - 0.95^20
        assertThat(Binomial.upperTail(20, 0.05, 1)).isCloseTo(1 - Math.pow(0.95, 20), within(1e-12));
    }

    @Test
    void quantilesOfSmallDistribution() {
        // Bin(10, 1/2): P(X <= 1) = 11/1024 < 0.025 <= P(X <= 2) = 56/1024
        assertThat(Binomial.quantile(10, 0.5, 0.025)).isEqualTo(2);
        assertThat(Binomial.quantile(10, 0.5, 0.975)).isEqualTo(8);
    }

    @Test
    void largeIntervalMatchesNormalApproximation() {
        long[] ci = Binomial.interval(100_000, 0.1, 0.95);
        double sd = Math.sqrt(100_000 * 0.1 * 0.9);
        assertThat((double) ci[0]).isCloseTo(10_000 - 1.96 * sd, within(2.0));
        assertThat((double) ci[1]).isCloseTo(10_000 + 1.96 * sd, within(2.0));
    }

    @Test
    void normalQuantiles() {
        assertThat(Normal.quantile(0.975)).isCloseTo(1.959964, within(1e-6));
        assertThat(Normal.quantile(0.0005)).isCloseTo(-3.290527, within(1e-5));
        assertThat(Normal.upperTail(1.959964)).isCloseTo(0.025, within(1e-6));
    }
}
