package dev.fader.feedback;

import dev.fader.config.Durations;
import dev.fader.routing.RoutingTable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every {@code feedback.log-interval}, one line per rollout comparing its variants: what an operator tails. */
public final class FeedbackLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("fader.feedback");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fader-feedback-log");
        t.setDaemon(true);
        return t;
    });

    public FeedbackLog(Supplier<RoutingTable> table, FeedbackWindows windows, Verdicts verdicts) {
        long every = windows.settings().logInterval().toMillis();
        String window = Durations.format(windows.settings().window());
        timer.scheduleAtFixedRate(() -> {
            try {
                for (RolloutReport r : RolloutReport.of(table.get(), windows, verdicts)) {
                    if (r.sampleRatioMismatch()) {
                        log.warn(r.logLine(window));
                    } else {
                        log.info(r.logLine(window));
                    }
                }
            } catch (RuntimeException e) {
                log.warn("feedback log failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
