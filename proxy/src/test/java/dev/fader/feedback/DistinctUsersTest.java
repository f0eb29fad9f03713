package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DistinctUsersTest {

    @Test
    void countsEachUserOnceAndStartsOverEachPeriod() {
        AtomicLong now = new AtomicLong();
        DistinctUsers users = new DistinctUsers(Duration.ofMinutes(1), 1000, now::get);
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < 100; u++) {
                users.saw(u * 7919, "everyone", u < 10 ? "canary" : "stable");
            }
        }
        assertThat(users.users("everyone")).containsEntry("canary", 10L).containsEntry("stable", 90L);
        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        assertThat(users.users("everyone")).isEmpty();
    }

    @Test
    void memoryIsBoundedWithoutEvictingAnyoneCountedThisPeriod() {
        AtomicLong now = new AtomicLong();
        DistinctUsers users = new DistinctUsers(Duration.ofMinutes(1), 500, now::get);
        for (int u = 0; u < 5000; u++) {
            users.saw(u, "everyone", u % 10 == 0 ? "canary" : "stable");
        }
        assertThat(users.tracked()).isEqualTo(500);
        assertThat(users.full()).isTrue();
        // the first 500 users stay counted exactly: 50 canary, 450 stable, in the split's proportion
        assertThat(users.users("everyone")).containsEntry("canary", 50L).containsEntry("stable", 450L);
        users.saw(0, "everyone", "canary"); // a user already counted is not counted twice
        assertThat(users.users("everyone")).containsEntry("canary", 50L);
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(users.full()).isFalse();
    }
}
