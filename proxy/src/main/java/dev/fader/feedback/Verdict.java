package dev.fader.feedback;

/** How a canary variant fares against the baseline over the same window, with the test's p-value. */
public record Verdict(Status status, double pValue, String reason) {

    public enum Status { BASELINE, INSUFFICIENT_DATA, HEALTHY, DEGRADED }

    public static Verdict baseline() {
        return new Verdict(Status.BASELINE, Double.NaN, "the baseline is what others are judged against");
    }
}
