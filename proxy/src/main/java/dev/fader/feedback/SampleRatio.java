package dev.fader.feedback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample-ratio check of one split layer: are distinct users spread over the variants as the shares
 * say? A mismatch means the split or the user-key extraction is broken, not the canary.
 *
 * <p>Test (Lindon and Malek's sequential multinomial test): each distinct user is one categorical draw;
 * under the null its variant follows the configured shares p0. The evidence is the Bayes factor of a
 * Dirichlet(c p0) mixture over alternatives against p0,
 * B(c p0 + n) / B(c p0) / prod p0_i^n_i, a nonnegative martingale under the null: by Ville's inequality
 * it ever reaches 1/{@link #ALPHA} with probability at most ALPHA, however often /status looks, and one
 * test covers all variants together (no per-variant multiplicity). A user seen in a variant the layer
 * gives no share to is a mismatch at once. Assumption: users arrive independently of their variant.
 */
public record SampleRatio(String layer, Map<String, Long> users, Map<String, Integer> sharesBasisPoints,
        double evidence, boolean mismatch) {

    /** The false-alarm bound of the check, per layer and counting period. */
    public static final double ALPHA = 0.001;
    private static final double CONCENTRATION = 100;

    public static SampleRatio test(String layer, Map<String, Long> users, Map<String, Integer> shares) {
        double logEvidence = logBayesFactor(users, shares);
        return new SampleRatio(layer, new LinkedHashMap<>(users), new LinkedHashMap<>(shares),
                Math.exp(Math.min(700, logEvidence)), logEvidence >= Math.log(1 / ALPHA));
    }

    static double logBayesFactor(Map<String, Long> users, Map<String, Integer> shares) {
        double sumPrior = 0;
        double sumPosterior = 0;
        double log = 0;
        for (Map.Entry<String, Long> u : users.entrySet()) {
            if (u.getValue() > 0 && shares.getOrDefault(u.getKey(), 0) == 0) {
                return Double.POSITIVE_INFINITY; // a variant this layer never gives out
            }
        }
        for (Map.Entry<String, Integer> e : shares.entrySet()) {
            double p = e.getValue() / 10_000.0;
            if (p <= 0) {
                continue;
            }
            long n = users.getOrDefault(e.getKey(), 0L);
            double a = CONCENTRATION * p;
            log += LogGamma.of(a + n) - LogGamma.of(a) - n * Math.log(p);
            sumPrior += a;
            sumPosterior += a + n;
        }
        return log + LogGamma.of(sumPrior) - LogGamma.of(sumPosterior);
    }
}
