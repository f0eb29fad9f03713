package dev.fader.testing;

import dev.fader.config.Address;
import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.feedback.Outcome;
import dev.fader.proxy.ProxyServer;
import dev.fader.routing.RoutingTable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The real proxy on an ephemeral loopback port, configured from a YAML string, recording every outcome. */
public final class TestProxy implements AutoCloseable {
    private final ProxyServer server;
    private final int port;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

    private TestProxy(FaderConfig config, int threads) throws InterruptedException {
        this.server = new ProxyServer(RoutingTable.compile(config, 1), outcomes::add, threads);
        this.port = server.start(new Address("127.0.0.1", 0)).getPort();
    }

    public static TestProxy start(String yaml) throws Exception {
        return start(yaml, 2);
    }

    public static TestProxy start(String yaml, int threads) throws Exception {
        return new TestProxy(ConfigLoader.parse(Path.of("test.yaml"), yaml), threads);
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

    @Override
    public void close() {
        server.close();
    }
}
