package dev.fader.analysis;

/**
 * What one analysis gate has seen over the rollout so far, and whether its evidence has shown the canary
 * beyond tolerance ({@code failed}: evidence of at least {@code 1 / alpha} for this gate's share of the
 * rollout's alpha) or within it ({@code within}: at least {@code 2 / alpha}). {@code observed} says what
 * was compared and what is tolerated, in words; the trial counts are the requests (or answers, or
 * feedback) each side brought.
 */
public record Gate(String name, long canaryTrials, long baselineTrials, String observed, double logEvidence,
        double logEvidenceWithin, double alpha, boolean failed, boolean within) {

    /** A proportion gate (errors, slow answers, slow first tokens, bad finishes, negative feedback). */
    static Gate of(String name, Comparison c, double ratio, double increase, double alpha) {
        String observed = String.format("canary %d/%d (%.2f%%) vs baseline %d/%d (%.2f%%), tolerated max(%.3gx, +%.2f points)",
                c.canaryEvents(), c.canaryTrials(), 100 * rate(c.canaryEvents(), c.canaryTrials()), c.baselineEvents(),
                c.baselineTrials(), 100 * rate(c.baselineEvents(), c.baselineTrials()), ratio, 100 * increase);
        return new Gate(name, c.canaryTrials(), c.baselineTrials(), observed, c.logEvidenceWorse(),
                c.logEvidenceWithin(), alpha, c.degraded(alpha), c.within(alpha));
    }

    private static double rate(long events, long trials) {
        return trials == 0 ? 0 : (double) events / trials;
    }

    /** The evidence that the canary is within tolerance, for HEALTHY and INCONCLUSIVE verdicts. */
    public String describeWithin() {
        return String.format("%s: %s, evidence within %.3g of %.3g needed", name, observed,
                Math.exp(Math.min(700, logEvidenceWithin)), 2 / alpha);
    }

    /** Evidence as a plain statement for logs, events and /status. */
    public String describe() {
        return String.format("%s: %s, evidence %.3g of %.3g needed%s", name, observed,
                Math.exp(Math.min(700, logEvidence)), 1 / alpha, failed ? ": FAILED" : "");
    }
}
