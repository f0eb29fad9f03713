package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DistinctUsersTest {

    @Test
    void countsEachUserOnceAndForgetsThemAfterTheWindow() {
        AtomicLong now = new AtomicLong();
        DistinctUsers users = new DistinctUsers(Duration.ofMinutes(1), 1000, now::get);
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < 100; u++) {
                users.saw(u * 7919, "everyone", u < 10 ? "canary" : "stable");
            }
        }
        assertThat(users.users("everyone")).containsEntry("canary", 10L).containsEntry("stable", 90L);
        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        assertThat(users.users("everyone")).containsEntry("canary", 0L).containsEntry("stable", 0L);
    }

    @Test
    void memoryIsBounded() {
        DistinctUsers users = new DistinctUsers(Duration.ofMinutes(1), 500, () -> 0L);
        for (int u = 0; u < 5000; u++) {
            users.saw(u, "everyone", "stable");
        }
        users.cache().cleanUp();
        assertThat(users.cache().estimatedSize()).isLessThanOrEqualTo(500);
        assertThat(users.users("everyone").get("stable")).isLessThanOrEqualTo(500L);
    }
}
