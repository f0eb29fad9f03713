package dev.fader.routing;

/**
 * The outcome of routing one request. {@code bucket} is -1 when no user key was hashed (a forced or
 * anonymous decision), and {@code keyHash} is then 0; {@code userTag} is the key's secret second hash
 * ({@link UserTags}), 0 when the request named no user; {@code newUserId} is the id to set in the
 * {@code fader_uid} cookie, or null;
 * {@code route} names the variant's pool and its fallback.
 */
public record RouteDecision(CompiledRollout rollout, String variant, String layer, int bucket, int keyHash,
        int userTag, Route route, String newUserId) {

    /** The name of the variant's own pool. */
    public String upstream() {
        return route.primary().name();
    }

    /** The variant's share of the layer that decided, in basis points: the chance a random user got it there. */
    public int share() {
        for (CompiledLayer l : rollout.layers()) {
            if (l.name().equals(layer)) {
                return l.shareOf(variant);
            }
        }
        return 0; // the default: no layer applied
    }

    /** The {@code X-Fader-Decision} value of the contract. */
    public String explainHeader(long epoch) {
        return "rollout=" + rollout.name() + ";variant=" + variant + ";layer=" + layer + ";bucket=" + bucket
                + ";epoch=" + epoch;
    }
}
