package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Window arithmetic with a fake ticker: buckets expire, merge, and an empty window is empty. */
class SlidingWindowTest {
    final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    final SlidingWindow window = new SlidingWindow(now::get, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(10));

    void advanceSeconds(long s) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(s));
    }

    @Test
    void emptyWindowHasNothing() {
        WindowSnapshot s = window.snapshot();
        assertThat(s.requests()).isZero();
        assertThat(s.errorRate()).isZero();
        assertThat(s.p99Millis()).isZero();
    }

    @Test
    void bucketsMergeAcrossTheWindowAndExpireAfterIt() {
        window.record(Outcome.Kind.S2XX, TimeUnit.MILLISECONDS.toNanos(5));
        advanceSeconds(10);
        window.record(Outcome.Kind.S5XX, TimeUnit.MILLISECONDS.toNanos(50));
        window.record(Outcome.Kind.RESET, TimeUnit.MILLISECONDS.toNanos(50));
        advanceSeconds(10);
        window.record(Outcome.Kind.S4XX, TimeUnit.MILLISECONDS.toNanos(5));
        window.record(Outcome.Kind.CLIENT_ABORT, -1);
        WindowSnapshot s = window.snapshot();
        assertThat(s.requests()).isEqualTo(4); // the client abort is not the upstream's request
        assertThat(s.errors()).isEqualTo(2);   // 5xx and reset; 4xx is the client's fault
        assertThat(s.count(Outcome.Kind.CLIENT_ABORT)).isEqualTo(1);
        assertThat(s.errorRate()).isCloseTo(0.5, within(1e-9));
        // 50 s later the first bucket (t=0) has left the 60 s window; the others remain.
        advanceSeconds(45);
        assertThat(window.snapshot().requests()).isEqualTo(3);
        advanceSeconds(10);
        assertThat(window.snapshot().requests()).isEqualTo(1);
        advanceSeconds(10);
        assertThat(window.snapshot().requests()).isZero();
    }

    @Test
    void aReusedSlotStartsFromZero() {
        window.record(Outcome.Kind.S5XX, 1);
        advanceSeconds(60); // same ring slot, next lap
        window.record(Outcome.Kind.S2XX, 1);
        WindowSnapshot s = window.snapshot();
        assertThat(s.requests()).isEqualTo(1);
        assertThat(s.errors()).isZero();
    }

    @Test
    void explicitFeedbackIsWindowedToo() {
        window.feedback(true, 4.0);
        window.feedback(false, null);
        window.feedback(false, 2.0);
        WindowSnapshot s = window.snapshot();
        assertThat(s.positive()).isEqualTo(1);
        assertThat(s.negative()).isEqualTo(2);
        assertThat(s.scoreSum() / s.scoreCount()).isCloseTo(3.0, within(1e-9));
        advanceSeconds(70);
        assertThat(window.snapshot().negative()).isZero();
    }

    @Test
    void latencyQuantilesAreWithinTheHistogramsResolution() {
        for (int ms = 1; ms <= 1000; ms++) {
            window.record(Outcome.Kind.S2XX, TimeUnit.MILLISECONDS.toNanos(ms));
        }
        WindowSnapshot s = window.snapshot();
        assertThat(s.p50Millis()).isCloseTo(500, within(500 * 0.125));
        assertThat(s.p99Millis()).isCloseTo(990, within(990 * 0.125));
        // 200 samples exceed 800 ms; those sharing 800 ms's bucket (up to 12.5% above it) are not counted
        assertThat(s.slowerThan(TimeUnit.MILLISECONDS.toMicros(800))).isBetween(100L, 200L);
    }

    @Test
    void histogramBucketsCoverEveryValueInOrder() {
        long previous = -1;
        for (int i = 0; i < LatencyHistogram.SIZE; i++) {
            long upper = LatencyHistogram.upperBound(i);
            assertThat(upper).isGreaterThan(previous);
            assertThat(LatencyHistogram.index(upper)).isEqualTo(i);
            assertThat(LatencyHistogram.index(previous + 1)).isEqualTo(i);
            previous = upper;
        }
    }
}
