package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelAnswer;
import dev.fader.feedback.Outcome;
import dev.fader.testing.OutcomeBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the model gates count: which answers are trials, which are bad, and what is left out. */
class ModelGatesTest {
    static final long TTFT = 2_000_000_000L;
    int user;

    SplitJudge judge() {
        return new SplitJudge("canary", "stable", "everyone", new SplitJudge.Signals(500_000_000L, "slow>500ms", TTFT,
                Set.of(FinishReason.LENGTH, FinishReason.CONTENT_FILTER), 1.5, 1024, false), 1.5, 0.005, 0.01);
    }

    OutcomeBuilder answer(String variant, double ttftMillis, FinishReason finish) {
        user++;
        return OutcomeBuilder.outcome().route("web", variant, "everyone", user % 10_000, user)
                .answer(ttftMillis, 100, finish).share(variant.equals("canary") ? 1000 : 9000);
    }

    static Gate gate(List<Gate> gates, String prefix) {
        return gates.stream().filter(g -> g.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void answersAreTrialsAndSlowFirstTokensAndBadFinishesAreEvents() {
        SplitJudge j = judge();
        j.record(answer("canary", 2500, FinishReason.STOP).build());
        j.record(answer("canary", 100, FinishReason.LENGTH).build());
        j.record(answer("canary", 100, FinishReason.CONTENT_FILTER).build());
        j.record(answer("stable", 100, FinishReason.STOP).build());
        j.record(answer("stable", 100, FinishReason.TOOL_CALLS).build());
        List<Gate> g = j.tick(0.1);
        assertThat(g).extracting(Gate::name).containsExactly("errors", "slow>500ms", "ttft>2s",
                "bad-finish[length,content_filter]", "output-tokens");
        assertThat(gate(g, "ttft").observed()).startsWith("canary 1/3 (33.33%) vs baseline 0/2");
        assertThat(gate(g, "bad-finish").observed()).startsWith("canary 2/3 (66.67%) vs baseline 0/2");
        assertThat(gate(g, "output-tokens").canaryTrials()).isEqualTo(3);
        assertThat(g.get(0).alpha()).as("alpha split over five gates").isEqualTo(0.01 / 5);
    }

    @Test
    void aUserWhoGaveUpWaitingForTheFirstTokenCountsAsSlowToStart() {
        SplitJudge j = judge();
        Outcome gaveUp = OutcomeBuilder.outcome().route("web", "canary", "everyone", 7, 7).kind(Outcome.Kind.CLIENT_ABORT)
                .millis(-1, 3000).build();
        Outcome impatient = OutcomeBuilder.outcome().route("web", "canary", "everyone", 8, 8)
                .kind(Outcome.Kind.CLIENT_ABORT).millis(-1, 300).build();
        j.record(gaveUp);
        j.record(impatient);
        assertThat(gate(j.tick(0.1), "ttft").observed()).startsWith("canary 1/1 ");
    }

    @Test
    void fallbacksErrorsOtherLayersAndRepeatOffendersAreNotCountedTwice() {
        SplitJudge j = judge();
        j.record(answer("canary", 100, FinishReason.LENGTH).servedBy("stable", "127.0.0.1:1", true).build());
        j.record(answer("canary", 100, FinishReason.LENGTH).route("web", "canary", "testers", 5, 5).build());
        j.record(OutcomeBuilder.outcome().route("web", "canary", "everyone", 9, 9).status(500).build());
        Outcome sameUser = answer("canary", 100, FinishReason.LENGTH).route("web", "canary", "everyone", 42, 42).build();
        j.record(sameUser);
        j.record(sameUser);
        List<Gate> g = j.tick(0.1);
        assertThat(gate(g, "bad-finish").observed()).as("one user, one bad finish per period")
                .startsWith("canary 1/2 ");
        assertThat(gate(g, "errors").observed()).startsWith("canary 1/4 ");
    }

    @Test
    void skippedAnswersAreNotAnswers() {
        SplitJudge j = judge();
        Outcome compressed = new Outcome(answer("canary", 1, FinishReason.STOP).build().request(),
                answer("canary", 1, FinishReason.STOP).build().route(), Outcome.Kind.S2XX, 200, 1, 1, 0, 0, false,
                ModelAnswer.skipped(ModelAnswer.Skip.COMPRESSED), null);
        j.record(compressed);
        assertThat(gate(j.tick(0.1), "bad-finish").canaryTrials()).isZero();
    }
}
