package dev.fader.analysis;

/**
 * What one analysis gate (errors, slow answers, negative feedback) has seen over the rollout so far, and
 * whether its {@link Comparison} has shown the canary beyond tolerance, max(ratio x baseline, baseline +
 * increase), with evidence of at least {@code 1 / alpha} for this gate's share of the rollout's alpha.
 */
public record Gate(String name, long canaryTrials, long canaryEvents, long baselineTrials, long baselineEvents,
        double ratio, double increase, double logEvidence, double logEvidenceWithin, double alpha, boolean failed,
        boolean within) {

    static Gate of(String name, Comparison c, double ratio, double increase, double alpha) {
        return new Gate(name, c.canaryTrials(), c.canaryEvents(), c.baselineTrials(), c.baselineEvents(), ratio,
                increase, c.logEvidenceWorse(), c.logEvidenceWithin(), alpha, c.degraded(alpha), c.within(alpha));
    }

    public double canaryRate() {
        return canaryTrials == 0 ? 0 : (double) canaryEvents / canaryTrials;
    }

    public double baselineRate() {
        return baselineTrials == 0 ? 0 : (double) baselineEvents / baselineTrials;
    }

    /** The evidence that the canary is within tolerance, for HEALTHY and INCONCLUSIVE verdicts. */
    public String describeWithin() {
        return String.format("%s: canary %d/%d (%.2f%%) vs baseline %d/%d (%.2f%%), tolerated max(%.3gx, +%.2f points),"
                + " evidence within %.3g of %.3g needed", name, canaryEvents, canaryTrials, 100 * canaryRate(),
                baselineEvents, baselineTrials, 100 * baselineRate(), ratio, 100 * increase,
                Math.exp(Math.min(700, logEvidenceWithin)), 2 / alpha);
    }

    /** Evidence as a plain statement for logs, events and /status. */
    public String describe() {
        return String.format("%s: canary %d/%d (%.2f%%) vs baseline %d/%d (%.2f%%), tolerated max(%.3gx, +%.2f points),"
                + " evidence %.3g of %.3g needed%s", name, canaryEvents, canaryTrials, 100 * canaryRate(), baselineEvents,
                baselineTrials, 100 * baselineRate(), ratio, 100 * increase, Math.exp(Math.min(700, logEvidence)),
                1 / alpha, failed ? ": FAILED" : "");
    }
}
