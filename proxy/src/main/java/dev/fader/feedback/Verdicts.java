package dev.fader.feedback;

/** Where reports get each variant's verdict from: the decision engine, which lives downstream in analysis. */
@FunctionalInterface
public interface Verdicts {
    Verdicts NONE = (rollout, variant) -> new Verdict(Verdict.Status.INCONCLUSIVE, Double.NaN, Double.NaN,
            "no decision engine attached");

    Verdict of(String rollout, String variant);
}
