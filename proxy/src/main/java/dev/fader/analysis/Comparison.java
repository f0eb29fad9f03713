package dev.fader.analysis;

/**
 * One gate's comparison of the canary with the baseline over a whole rollout: the rate of one bad event
 * (errors, slow answers, negative feedback), tolerated up to max(ratio x baseline, baseline + increase).
 * It is fed the randomly split requests only, a batch at a time with the canary's share of the split
 * when they were routed, and may be looked at after every batch.
 *
 * <p>Guarantees, from {@link RatioEvidence} and {@link DifferenceEvidence} (each anytime-valid):
 * <ul>
 * <li>{@link #degraded}: both tests show the canary above their margin at level alpha. A canary within
 * tolerance satisfies at least one of the two nulls, and that test alone is wrong with probability at
 * most alpha (an intersection-union test), so a tolerable canary is ever called degraded with
 * probability at most alpha, at any share and however often it is looked at.
 * <li>{@link #within}: one of the mirror tests shows the canary below its margin, each at alpha/2: a
 * canary beyond tolerance is ever called within it with probability at most alpha.
 * </ul>
 * With {@code increase} 0 the ratio test decides alone (the two nulls coincide for ratio &gt;= 1).
 */
final class Comparison {
    private final RatioEvidence ratio;
    private final DifferenceEvidence difference;
    private long canaryTrials;
    private long canaryEvents;
    private long baselineTrials;
    private long baselineEvents;

    Comparison(double ratio, double increase) {
        if (!(ratio >= 1)) {
            throw new IllegalArgumentException("ratio " + ratio + " (expected: >= 1)");
        }
        this.ratio = new RatioEvidence(ratio);
        this.difference = increase > 0 ? new DifferenceEvidence(increase) : null;
    }

    /** Randomly split requests routed while the canary's share was {@code share}, and their bad events. */
    void add(long canaryRequests, long canaryBad, long baselineRequests, long baselineBad, double share) {
        if (!(share > 0 && share < 1)) {
            return; // all on one side: nothing to compare
        }
        canaryTrials += canaryRequests;
        canaryEvents += canaryBad;
        baselineTrials += baselineRequests;
        baselineEvents += baselineBad;
        ratio.add(canaryBad, baselineBad, share);
        if (difference != null) {
            difference.add(canaryBad, baselineBad, canaryRequests - canaryBad + baselineRequests - baselineBad, share);
        }
    }

    boolean degraded(double alpha) {
        double bound = Math.log(1 / alpha);
        return ratio.logWorse() >= bound && (difference == null || difference.logWorse() >= bound);
    }

    boolean within(double alpha) {
        double bound = Math.log(2 / alpha);
        return ratio.logWithin() >= bound || (difference != null && difference.logWithin() >= bound);
    }

    /** The evidence that the canary is worse than tolerated: the weaker of the two tests that must agree. */
    double logEvidenceWorse() {
        return difference == null ? ratio.logWorse() : Math.min(ratio.logWorse(), difference.logWorse());
    }

    /** The evidence that the canary is within tolerance: the stronger of the two mirror tests. */
    double logEvidenceWithin() {
        return difference == null ? ratio.logWithin() : Math.max(ratio.logWithin(), difference.logWithin());
    }

    long canaryTrials() {
        return canaryTrials;
    }

    long canaryEvents() {
        return canaryEvents;
    }

    long baselineTrials() {
        return baselineTrials;
    }

    long baselineEvents() {
        return baselineEvents;
    }
}
