package dev.fader.cli;

import dev.fader.app.Instance;
import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.Durations;
import dev.fader.config.FaderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.time.Duration;
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

    @Option(names = "--watch", description = "reload when the file changes (debounced), besides SIGHUP")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        FaderConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Instance fader;
        try {
            fader = new Instance(config, cfg, threads).start();
        } catch (IOException e) { // a log that cannot be opened, a port in use: one line, not a stack trace
            System.err.println("fader: " + e.getMessage());
            return 1;
        }
        if (pidFile != null) {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        }
        Signals.onHangup(fader::reload);
        FileWatcher watcher = watch ? new FileWatcher(config, 500, fader::reload) : null;
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        stop.await();
        Duration drain = fader.table().config().limits().drainTimeout();
        log.info("draining (up to {})", Durations.format(drain));
        boolean clean = fader.drain(drain);
        log.info(clean ? "drained; exiting" : "drain timeout; closing the remaining connections");
        if (watcher != null) {
            watcher.close();
        }
        fader.close();
        deletePidFile();
        return 0;
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
