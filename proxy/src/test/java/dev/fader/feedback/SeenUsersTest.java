package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.OutcomeBuilder;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Who was served, by hashes only: remembered within the window, bounded, each on the variant that last served it. */
class SeenUsersTest {
    final AtomicLong now = new AtomicLong();

    static Outcome served(String rollout, String variant, int keyHash, int tag) {
        return OutcomeBuilder.outcome().route(rollout, variant, "everyone", Math.floorMod(keyHash, 10_000), keyHash)
                .userTag(tag).build();
    }

    @Test
    void aUserIsFoundOnTheVariantThatLastServedItWithinTheWindowOnly() {
        SeenUsers seen = new SeenUsers(1000, 60_000_000_000L, now::get);
        seen.record(served("web", "canary", 7, 99));
        assertThat(seen.find("web", 7, 99).variant()).isEqualTo("canary");
        assertThat(seen.find("web", 7, 98)).as("same public hash, another secret tag: a forged key").isNull();
        assertThat(seen.find("other", 7, 99)).as("another rollout").isNull();
        seen.record(served("web", "stable", 7, 99));
        assertThat(seen.find("web", 7, 99).variant()).isEqualTo("stable");
        now.addAndGet(61_000_000_000L);
        assertThat(seen.find("web", 7, 99)).isNull();
        seen.record(served("web", "stable", 8, 0));
        assertThat(seen.find("web", 8, 0)).as("no user key: nobody to remember").isNull();
    }

    @Test
    void memoryIsBoundedAndTheLatestUsersAreKept() {
        SeenUsers seen = new SeenUsers(100_000, Long.MAX_VALUE, now::get);
        assertThat(seen.slots()).isEqualTo(131_072); // at most this many entries, about 48 bytes each
        SplittableRandom r = new SplittableRandom(5);
        int[][] users = new int[1_000_000][];
        for (int i = 0; i < users.length; i++) {
            users[i] = new int[] {r.nextInt(), r.nextInt() | 1};
            now.incrementAndGet();
            seen.record(served("web", "stable", users[i][0], users[i][1]));
        }
        int recent = 0;
        for (int i = users.length - 50_000; i < users.length; i++) {
            recent += seen.find("web", users[i][0], users[i][1]) != null ? 1 : 0;
        }
        int old = 0;
        for (int i = 0; i < 50_000; i++) {
            old += seen.find("web", users[i][0], users[i][1]) != null ? 1 : 0;
        }
        assertThat(recent).as("of the last 50,000 users of a million").isGreaterThan(49_000);
        assertThat(old).as("of the first 50,000").isZero();
    }
}
