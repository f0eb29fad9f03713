package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.OutcomeBuilder;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Answers are found by request id within the window, and the ledger never holds more than its capacity. */
class AnswerLedgerTest {
    final AtomicLong now = new AtomicLong();

    static Outcome answer(String id, String variant) {
        return OutcomeBuilder.outcome().request(0, id, "POST", "h", "/v1/chat/completions")
                .route("chat", variant, "everyone", 5, 55).answer(100, 10, FinishReason.STOP).build();
    }

    @Test
    void findsAnAnswerUntilItIsOlderThanTheWindow() {
        AnswerLedger ledger = new AnswerLedger(10, 1_000, now::get);
        ledger.record(answer("a", "canary"));
        ledger.record(OutcomeBuilder.outcome().request(0, "not-a-model", "GET", "h", "/").build());
        assertThat(ledger.find("a")).extracting(AnswerLedger.Entry::variant, AnswerLedger.Entry::layer,
                AnswerLedger.Entry::keyHash).containsExactly("canary", "everyone", 55);
        assertThat(ledger.find("not-a-model")).as("only model answers are remembered").isNull();
        now.set(1_000);
        assertThat(ledger.find("a")).isNotNull();
        now.set(1_001);
        assertThat(ledger.find("a")).isNull();
    }

    @Test
    void theOldestIsForgottenAtCapacityAndAReusedIdKeepsItsLatestAnswer() {
        AnswerLedger ledger = new AnswerLedger(3, Long.MAX_VALUE, now::get);
        ledger.record(answer("a", "stable"));
        ledger.record(answer("b", "stable"));
        ledger.record(answer("a", "canary")); // a client that reuses its ids: the latest answer wins
        ledger.record(answer("c", "stable"));
        ledger.record(answer("d", "stable"));
        assertThat(ledger.size()).isLessThanOrEqualTo(3);
        assertThat(ledger.find("b")).isNull();
        assertThat(ledger.find("a")).extracting(AnswerLedger.Entry::variant).isEqualTo("canary");
        for (int i = 0; i < 10_000; i++) {
            ledger.record(answer("x" + i, "stable"));
        }
        assertThat(ledger.size()).isEqualTo(3);
    }

    @Test
    void aFallbacksAnswerIsRememberedButNeverJudged() {
        AnswerLedger ledger = new AnswerLedger(3, Long.MAX_VALUE, now::get);
        ledger.record(OutcomeBuilder.outcome().request(0, "f", "POST", "h", "/").route("chat", "canary", "everyone", 5, 55)
                .servedBy("stable", "127.0.0.1:1", true).answer(1, 1, FinishReason.STOP).build());
        assertThat(ledger.find("f").layer()).isEmpty();
    }
}
