package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.config.FeedbackSettings;
import dev.fader.testing.OutcomeBuilder;
import org.junit.jupiter.api.Test;

/** What the windows count for the sample-ratio check. */
class FeedbackWindowsTest {

    @Test
    void usersOfAVariantThatKeepsThemWaitingUntilTheyGiveUpAreStillCounted() {
        long[] now = {0};
        FeedbackWindows w = new FeedbackWindows(() -> now[0], FeedbackSettings.defaults());
        for (int user = 1; user <= 100; user++) { // small hashes: all in the sampled eighth
            boolean canary = user <= 10;
            w.record(OutcomeBuilder.outcome().request(System.currentTimeMillis() + 60_000, "r", "GET", "h", "/")
                    .route("web", canary ? "canary" : "stable", "everyone", user, user)
                    .kind(canary ? Outcome.Kind.CLIENT_ABORT : Outcome.Kind.S2XX).build());
        }
        assertThat(w.distinctUsers("web", "everyone")).containsEntry("canary", 10L).containsEntry("stable", 90L);
        // ...while the variant's own error rate and requests never blame it for the clients' leaving
        assertThat(w.snapshot("web", "canary").requests()).isZero();
    }
}
