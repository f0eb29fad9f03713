package dev.fader.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A rollout's {@code shadow:}: copies of the requests of its users in the top {@code shareBasisPoints} of
 * buckets (the same users every time, and, as splits give buckets from 0 upward, the users last to reach
 * a canary) with an allowed method and path go to {@code upstream}, and with {@code noise} a second copy
 * to that pool (normally the primary's own), to learn what differs by itself. Bodies and answers larger
 * than {@code maxBody} are counted, not compared; at most {@code maxInFlight} copies at a time per
 * instance, each given up after {@code timeout}; {@code ignore} lists JSON pointers never compared.
 */
public record ShadowConfig(String upstream, String noise, int shareBasisPoints, Set<String> methods,
        List<String> paths, long maxBody, int maxInFlight, Duration timeout, List<String> ignore) {

    public ShadowConfig {
        methods = Set.copyOf(methods);
        paths = List.copyOf(paths);
        ignore = List.copyOf(ignore);
    }

    /** Whether a request of this bucket, method and path is copied. */
    public boolean copies(int bucket, String method, String path) {
        if (bucket < 0 || bucket < 10_000 - shareBasisPoints || !methods.contains(method)) {
            return false;
        }
        if (paths.isEmpty()) {
            return true;
        }
        for (String p : paths) {
            if (path.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
