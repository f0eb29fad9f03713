package dev.fader.analysis;

/**
 * One analysis gate of a step: the canary's rate of some bad event (errors, slow requests, negative
 * feedback) against what the baseline's rate tolerates: max(ratio x baseline, baseline + increase).
 */
public record Gate(String name, long canaryTrials, long canaryEvents, long baselineTrials, long baselineEvents,
        double tolerated, double logEvidence, boolean failed) {

    /**
     * Judges a gate. The baseline's rate is estimated as (events + 1) / (trials + 2), which leans high
     * on little data so that an unlucky quiet start of the baseline cannot make the canary look bad.
     */
    public static Gate judge(String name, long nc, long kc, long nb, long kb, double ratio, double increase,
            double alpha) {
        double baseline = (kb + 1.0) / (nb + 2.0);
        double tolerated = Math.min(0.98, Math.max(ratio * baseline, baseline + increase));
        double evidence = MixtureEvidence.logEvidence(nc, kc, tolerated);
        return new Gate(name, nc, kc, nb, kb, tolerated, evidence, evidence >= Math.log(1 / alpha));
    }

    public double canaryRate() {
        return canaryTrials == 0 ? 0 : (double) canaryEvents / canaryTrials;
    }

    public double baselineRate() {
        return baselineTrials == 0 ? 0 : (double) baselineEvents / baselineTrials;
    }

    /** Evidence as a plain statement for logs, events and /status. */
    public String describe() {
        return String.format("%s: canary %d/%d (%.2f%%) vs baseline %d/%d (%.2f%%), tolerated %.2f%%, evidence %.3g%s",
                name, canaryEvents, canaryTrials, 100 * canaryRate(), baselineEvents, baselineTrials,
                100 * baselineRate(), 100 * tolerated, Math.exp(Math.min(700, logEvidence)),
                failed ? " >= 1/alpha: FAILED" : "");
    }
}
