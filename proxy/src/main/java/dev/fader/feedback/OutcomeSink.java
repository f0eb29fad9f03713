package dev.fader.feedback;

/** Where the proxy hands each finished request: windows, metrics and the access log. Called on an event loop: never block. */
@FunctionalInterface
public interface OutcomeSink {
    OutcomeSink NONE = o -> { };

    void record(Outcome outcome);

    default OutcomeSink and(OutcomeSink next) {
        return o -> {
            record(o);
            next.record(o);
        };
    }
}
