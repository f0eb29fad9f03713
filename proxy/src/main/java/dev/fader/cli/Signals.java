package dev.fader.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP through sun.misc.Signal, which HotSpot on Linux and macOS supports; elsewhere a clear log line. */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onHangup(Runnable action) {
        if (!handle("HUP", action)) {
            log.warn("SIGHUP is not available on this platform; reload with POST /reload instead");
        }
    }

    /**
     * SIGTERM and SIGINT run {@code action} instead of the JVM's default, which would exit with 143
     * right after the shutdown hooks; we want to drain and then exit 0, as the contract says.
     */
    static void onTerminate(Runnable action) {
        if (!handle("TERM", action) | !handle("INT", action)) {
            log.warn("SIGTERM/SIGINT handling is not available on this platform; shutdown will not drain");
        }
    }

    private static boolean handle(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            log.debug("signal {} unavailable: {}", name, e.toString());
            return false;
        }
    }
}
