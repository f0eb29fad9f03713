package dev.fader.feedback;

import dev.fader.config.FeedbackSettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Every finished request lands here: per rollout and variant, and per endpoint, in sliding windows over
 * the same span of time, plus distinct users per layer for the sample-ratio check and explicit feedback.
 */
public final class FeedbackWindows implements OutcomeSink {
    private static final long BUCKET_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MAX_TRACKED_USERS = 200_000;
    /** One user in 2^(32 - SAMPLE_SHIFT) = 8 is followed for the sample-ratio check. */
    static final int SAMPLE_SHIFT = 29;

    private final LongSupplier ticker;
    private final FeedbackSettings settings;
    private final long bucketNanos;
    private final Map<String, Map<String, SlidingWindow>> variants = new ConcurrentHashMap<>();
    private final Map<String, SlidingWindow> endpoints = new ConcurrentHashMap<>();
    private final Map<String, DistinctUsers> users = new ConcurrentHashMap<>();

    public FeedbackWindows(LongSupplier ticker, FeedbackSettings settings) {
        this.ticker = ticker;
        this.settings = settings;
        // 10 s buckets, or finer for short windows, so that a window is at least 6 buckets long
        this.bucketNanos = Math.min(BUCKET_NANOS, Math.max(1, settings.window().toNanos() / 6));
    }

    /** The sample-ratio check follows one user in this many. */
    public static int sampledOneIn() {
        return 1 << (32 - SAMPLE_SHIFT);
    }

    public FeedbackSettings settings() {
        return settings;
    }

    @Override
    public void record(Outcome o) {
        if (o.rollout().isEmpty()) {
            return; // refused before routing: no variant to blame
        }
        long now = ticker.getAsLong();
        Outcome.Route r = o.route();
        SlidingWindow w = variant(r.rollout(), r.variant());
        w.record(o.kind(), o.variantLatencyNanos(), r.fallback(), now);
        if (o.answer() != null && o.answer().read() && !r.fallback()) {
            w.answer(o.answer(), now); // a fallback's answer came from the baseline's model, not this variant's
        }
        if (!r.endpoint().isEmpty()) {
            // The endpoint that answered, judged by its own answer (a fallback's endpoint is the baseline's).
            Outcome.Kind answered = r.fallback() ? Outcome.Kind.ofStatus(o.status()) : o.kind();
            SlidingWindow e = endpoints.get(r.endpoint()); // a lambda that captures this is a new object per call
            if (e == null) {
                e = endpoints.computeIfAbsent(r.endpoint(), k -> newWindow());
            }
            e.record(answered, o.totalNanos(), false, now);
        }
        // The sample-ratio check follows one user in SAMPLE, chosen by the top bits of the salted key hash:
        // those bits barely touch the bucket (hash mod 10,000 stays uniform within 1/26,843), so the sample
        // keeps the split's proportions, and the cache is touched by one request in SAMPLE, not by every one.
        // Client aborts count too: a variant that keeps users waiting until they give up still got them.
        if (r.bucket() >= 0 && (r.keyHash() >>> SAMPLE_SHIFT) == 0) {
            DistinctUsers d = users.computeIfAbsent(o.rollout(), k -> new DistinctUsers(settings.window(),
                    MAX_TRACKED_USERS, ticker));
            if (o.startedAtMillis() >= d.sinceMillis()) {
                d.saw(r.keyHash(), r.layer(), r.variant());
            }
        }
    }

    /** Explicit feedback (thumbs up or down, optional score) for a user's variant. */
    public void feedback(String rollout, String variant, boolean positive, Double score) {
        variant(rollout, variant).feedback(positive, score);
    }

    /** A later label on an answer replaces the earlier one in the shown counts (never in the evidence). */
    public void relabel(String rollout, String variant, boolean positive) {
        variant(rollout, variant).relabel(positive);
    }

    public WindowSnapshot snapshot(String rollout, String variant) {
        Map<String, SlidingWindow> byVariant = variants.get(rollout);
        SlidingWindow w = byVariant == null ? null : byVariant.get(variant);
        return w == null ? WindowSnapshot.empty() : w.snapshot();
    }

    public Map<String, SlidingWindow> endpoints() {
        return endpoints;
    }

    /** Distinct users of {@code layer} per variant in the window. */
    public Map<String, Long> distinctUsers(String rollout, String layer) {
        DistinctUsers d = users.get(rollout);
        return d == null ? Map.of() : d.users(layer);
    }

    /**
     * Starts the distinct-user counts of a rollout over, after its split changed: users seen under the
     * old weights would otherwise be judged against the new ones.
     */
    public void forgetUsers(String rollout) {
        users.remove(rollout);
    }

    public Map<String, DistinctUsers> userTrackers() {
        return users;
    }

    private SlidingWindow variant(String rollout, String variant) {
        Map<String, SlidingWindow> byVariant = variants.get(rollout);
        if (byVariant == null) {
            byVariant = variants.computeIfAbsent(rollout, k -> new ConcurrentHashMap<>());
        }
        SlidingWindow w = byVariant.get(variant);
        return w != null ? w : byVariant.computeIfAbsent(variant, k -> newWindow());
    }

    private SlidingWindow newWindow() {
        return new SlidingWindow(ticker, settings.window().toNanos(), bucketNanos);
    }
}
