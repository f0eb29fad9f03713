package dev.fader.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP through sun.misc.Signal, which HotSpot on Linux and macOS supports; elsewhere a clear log line. */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.warn("SIGHUP is not available on this platform ({}); reload with POST /reload instead", e.toString());
        }
    }
}
