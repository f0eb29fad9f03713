package dev.fader.cli;

import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.Durations;
import dev.fader.config.FaderConfig;
import dev.fader.feedback.OutcomeSink;
import dev.fader.proxy.ProxyServer;
import dev.fader.routing.RoutingTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run --config FILE}: serve until SIGTERM (drain, then exit 0); SIGHUP reloads FILE. */
@Command(name = "run", description = "Serve the rollouts of a file.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", required = true, paramLabel = "FILE")
    Path config;

    @Option(names = "--threads", description = "event loop threads (default: one per CPU)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--pid-file", paramLabel = "FILE", description = "write the process id here")
    Path pidFile;

    @Override
    public Integer call() throws Exception {
        FaderConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        AtomicLong epoch = new AtomicLong(1);
        ProxyServer server = new ProxyServer(RoutingTable.compile(cfg, epoch.get()), OutcomeSink.NONE, threads);
        server.start();
        if (pidFile != null) {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        }
        Signals.onHangup(() -> reload(server, epoch));
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        stop.await();
        log.info("draining (up to {})", Durations.format(server.table().config().limits().drainTimeout()));
        boolean clean = server.drain(server.table().config().limits().drainTimeout());
        log.info(clean ? "drained; exiting" : "drain timeout; closing the remaining connections");
        server.close();
        deletePidFile();
        return 0;
    }

    private void reload(ProxyServer server, AtomicLong epoch) {
        try {
            FaderConfig next = ConfigLoader.load(config);
            RoutingTable table = RoutingTable.compile(next, epoch.incrementAndGet());
            if (!next.listen().equals(server.table().config().listen())) {
                log.warn("listen changed to {}: this needs a restart; still serving on the old address", next.listen());
            }
            server.swap(table);
            log.info("reloaded {}: epoch {}", config, table.epoch());
        } catch (ConfigException e) {
            log.error("reload refused, running config kept:\n{}", e.getMessage());
        }
    }

    private void deletePidFile() {
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                log.debug("cannot delete {}: {}", pidFile, e.toString());
            }
        }
    }
}
