package dev.fader.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fader.feedback.FinishReason;
import dev.fader.testing.OutcomeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fleet's claim: the gates judged from several instances' per-period counts, summed, are exactly
 * those of one instance that saw all the traffic, period by period at each period's share. Seeded
 * outcomes (errors, slow answers, slow first tokens, bad finishes, output tokens) over four steps.
 */
class FleetEvidenceTest {
    static SplitJudge judge() {
        return new SplitJudge("canary", "stable", "everyone", new SplitJudge.Signals(500_000_000L, "slow>500ms",
                2_000_000_000L, Set.of(FinishReason.LENGTH), 1.5, 1024, false), 1.5, 0.005, 0.01);
    }

    @Test
    void threeInstancesSummedJudgeExactlyAsOneInstanceThatSawEverything() {
        Random random = new Random(20261129);
        SplitJudge whole = judge();
        SplitJudge[] instances = {judge(), judge(), judge()};
        Tallies[] start = {instances[0].totals(), instances[1].totals(), instances[2].totals()};
        List<Tallies.Period> summed = new ArrayList<>();
        List<Gate> expected = List.of();
        int[] shares = {100, 1_000, 2_500, 5_000};
        for (int period = 0; period < shares.length; period++) {
            int share = shares[period];
            for (int n = 0; n < 3_000; n++) {
                boolean canary = random.nextInt(10_000) < share;
                int user = random.nextInt(2_000); // users repeat: the per-user caps matter
                OutcomeBuilder b = OutcomeBuilder.outcome().route("web", canary ? "canary" : "stable", "everyone",
                        user, user * 7919).share(canary ? share : 10_000 - share)
                        .answer(random.nextInt(4_000), 50 + random.nextInt(canary ? 1_500 : 600),
                                random.nextInt(20) == 0 ? FinishReason.LENGTH : FinishReason.STOP)
                        .millis(random.nextInt(900), 1_000);
                if (random.nextInt(canary ? 12 : 40) == 0) {
                    b.status(500);
                }
                var o = b.build();
                whole.record(o);
                instances[user % 3].record(o); // a user's requests reach one instance, as behind a sticky balancer
            }
            expected = whole.tick(share / 10_000.0);
            Tallies sum = Tallies.NONE;
            for (int i = 0; i < 3; i++) {
                Tallies now = instances[i].totals();
                sum = sum.plus(now.minus(start[i]));
                start[i] = now;
            }
            summed.add(new Tallies.Period(period, share, sum));
            for (SplitJudge j : instances) {
                j.newPeriod();
            }
            whole.newPeriod();
        }
        List<Gate> fleet = whole.judge(summed);
        assertThat(fleet).extracting(Gate::name).containsExactlyElementsOf(expected.stream().map(Gate::name).toList());
        for (int g = 0; g < expected.size(); g++) {
            Gate e = expected.get(g);
            Gate f = fleet.get(g);
            assertThat(f.canaryTrials()).as(e.name()).isEqualTo(e.canaryTrials());
            assertThat(f.baselineTrials()).as(e.name()).isEqualTo(e.baselineTrials());
            assertThat(f.logEvidence()).as(e.name()).isCloseTo(e.logEvidence(), within(1e-6));
            assertThat(f.logEvidenceWithin()).as(e.name()).isCloseTo(e.logEvidenceWithin(), within(1e-6));
            assertThat(f.observed()).isEqualTo(e.observed());
            assertThat(f.failed()).isEqualTo(e.failed());
        }
        assertThat(expected).as("the canary (8% errors against 2.5%, answers twice as long) is shown worse somewhere")
                .anyMatch(Gate::failed);
    }
}
