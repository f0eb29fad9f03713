package dev.fader.feedback;

/**
 * How a variant fares against the baseline, from the one decision engine. {@code evidence} is the
 * anytime-valid evidence behind the status (against tolerance for DEGRADED, for it for HEALTHY; NaN
 * where none applies), {@code needed} what it must reach (1/alpha), and {@code reason} says both in words.
 */
public record Verdict(Status status, double evidence, double needed, String reason) {

    /**
     * {@code HEALTHY}: the data show the canary within tolerance; {@code DEGRADED}: beyond it;
     * {@code INCONCLUSIVE}: neither shown yet; {@code INSUFFICIENT_DATA}: below the minimum requests.
     */
    public enum Status { BASELINE, INSUFFICIENT_DATA, INCONCLUSIVE, HEALTHY, DEGRADED }

    public static Verdict baseline() {
        return new Verdict(Status.BASELINE, Double.NaN, Double.NaN, "the baseline is what others are judged against");
    }
}
