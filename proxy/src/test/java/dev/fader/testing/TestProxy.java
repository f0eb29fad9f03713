package dev.fader.testing;

import dev.fader.config.Address;
import dev.fader.config.FaderConfig;
import dev.fader.feedback.FeedbackWindows;
import dev.fader.feedback.Outcome;
import dev.fader.feedback.WindowSnapshot;
import dev.fader.proxy.ProxyServer;
import dev.fader.routing.RoutingTable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * The real proxy on an ephemeral loopback port, configured from a YAML string, recording every outcome
 * and feeding the feedback windows /status renders.
 */
public final class TestProxy implements AutoCloseable {
    private final ProxyServer server;
    private final int port;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final FeedbackWindows windows;

    private TestProxy(FaderConfig config, int threads, LongSupplier nanos) throws InterruptedException {
        this.windows = new FeedbackWindows(System::nanoTime, config.feedback());
        this.server = new ProxyServer(RoutingTable.compile(config, 1), windows.and(outcomes::add), threads, nanos);
        this.port = server.start(new Address("127.0.0.1", 0)).getPort();
    }

    public static TestProxy start(String yaml) throws Exception {
        return start(yaml, 2);
    }

    public static TestProxy start(String yaml, int threads) throws Exception {
        return new TestProxy(Configs.parse(yaml), threads, System::nanoTime);
    }

    /** {@code nanos} drives outlier ejection's backoffs, so tests decide how long an ejection lasts in requests. */
    public static TestProxy start(String yaml, LongSupplier nanos) throws Exception {
        return new TestProxy(Configs.parse(yaml), 2, nanos);
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public ProxyServer server() {
        return server;
    }

    public List<Outcome> outcomes() {
        return new ArrayList<>(outcomes);
    }

    /** A variant's feedback window, as /status shows it. */
    public WindowSnapshot window(String rollout, String variant) {
        return windows.snapshot(rollout, variant);
    }

    @Override
    public void close() {
        server.close();
    }
}
