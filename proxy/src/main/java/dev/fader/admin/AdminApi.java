package dev.fader.admin;

import dev.fader.cluster.FleetStatus;
import dev.fader.analysis.Controllers;
import dev.fader.config.Address;
import dev.fader.config.AdminAccess;
import dev.fader.feedback.AnswerLedger;
import dev.fader.feedback.SeenUsers;
import dev.fader.feedback.Feedback;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.Verdicts;
import dev.fader.metrics.ProxyMetrics;
import dev.fader.routing.RoutingTable;
import dev.fader.shadow.Shadows;
import java.util.List;

/** What the admin API needs of the running instance; implemented by the instance that wires Fader together. */
public interface AdminApi {
    RoutingTable table();

    FeedbackWindows windows();

    ProxyMetrics metrics();

    boolean draining();

    ReloadStatus lastReload();

    /** Reloads the config file now: the new epoch, or the errors (the running config stays). */
    ReloadStatus reload();

    /** Manual control of a progressive rollout; returns null when {@code rollout} is unknown. */
    ControlResult control(String rollout, String action);

    /** The decision engine: every variant's verdict. */
    Verdicts verdicts();

    /** Progressive rollout controllers, for /status. */
    Controllers controllers();

    /** Feedback already mapped to the variant it is about: counted, judged, and written to the event log. */
    void feedback(Feedback f);

    /** Shadow traffic and its comparisons, per rollout. */
    Shadows shadows();

    /** A recent model answer by its answer id, or null when unknown or older than the feedback window. */
    AnswerLedger.Entry answer(String answerId);

    /** Where the user with these key hashes was last served in {@code rollout} within the window, or null. */
    SeenUsers.Entry seenUser(String rollout, int keyHash, int userTag);

    /** Who may use the admin port now: the running config's tokens and Host names (they apply on reload). */
    default AdminAccess access() {
        return table().config().access();
    }

    /**
     * The outcome of a reload, as /status shows it under {@code lastReload}; {@code impact} says who moved;
     * {@code restartNeeded} names changed keys that only a restart applies; {@code timedOut}: the file could not
     * be read within the reloader's time limit (a FIFO, a stuck mount), so nothing was applied.
     */
    record ReloadStatus(boolean ok, long epoch, long atMillis, List<String> errors, List<String> impact,
            List<String> restartNeeded, boolean timedOut) {
    }

    /** {@code health}: "healthy", "unhealthy", "unknown" (first check pending) or "unchecked" (no health-check). */
    record EndpointState(String health, String lastCheckFailure, boolean ejected) {
    }

    /** The health of an endpoint of a pool as the proxy sees it now. */
    EndpointState endpoint(String upstream, Address endpoint);

    /** The live page's time series. */
    History history();

    /** The fleet this instance belongs to, or null when it runs alone. */
    FleetStatus cluster();

    /** The outcome of a control action: HTTP status and a message. */
    record ControlResult(int status, String message) {
    }
}
