package dev.fader.app;

import dev.fader.admin.AdminApi.ReloadStatus;
import dev.fader.analysis.Controllers;
import dev.fader.config.ConfigError;
import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.routing.ReloadImpact;
import dev.fader.routing.RoutingTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reload: load -> validate -> compile -> publish, or nothing. The keys read only at start
 * ({@link dev.fader.config.StartupSettings}) keep their running values: the new snapshot carries those,
 * and the reload names the keys that wait for a restart.
 *
 * <p>The file is read on a thread of its own and given {@link #TIME_LIMIT}: a file that blocks (a FIFO, a
 * stuck network mount) costs that thread, never the caller, and only the short apply step takes
 * {@code applyLock}, the lock the progressive tick takes too, so the tick never waits for a read. Anything
 * thrown, {@link OutOfMemoryError} included, becomes a refused reload with its reason.
 */
final class Reloader implements AutoCloseable {
    static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final Path configPath;
    private final AtomicLong epoch;
    private final Supplier<RoutingTable> current;
    private final Controllers controllers;
    private final Consumer<RoutingTable> publish;
    private final Object applyLock;
    private final Source source;
    private final Duration timeLimit;
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fader-reload-read");
        t.setDaemon(true);
        return t;
    });
    private Future<FaderConfig> stuck; // a read that outlived its time limit and may still hold its thread
    private long stuckSinceMillis;

    /** How a reload reads its file: {@link ConfigLoader#load} in production. */
    interface Source {
        FaderConfig load(Path file) throws Exception;
    }

    Reloader(Path configPath, AtomicLong epoch, Supplier<RoutingTable> current, Controllers controllers,
            Consumer<RoutingTable> publish, Object applyLock) {
        this(configPath, epoch, current, controllers, publish, applyLock, ConfigLoader::load, TIME_LIMIT);
    }

    Reloader(Path configPath, AtomicLong epoch, Supplier<RoutingTable> current, Controllers controllers,
            Consumer<RoutingTable> publish, Object applyLock, Source source, Duration timeLimit) {
        this.source = source;
        this.timeLimit = timeLimit;
        this.configPath = configPath;
        this.epoch = epoch;
        this.current = current;
        this.controllers = controllers;
        this.publish = publish;
        this.applyLock = applyLock;
    }

    /** One reload; callers take turns (the instance serializes them). */
    ReloadStatus reload(long nowMillis) {
        RoutingTable before = current.get();
        if (stuck != null && !stuck.isDone()) {
            return refused(before, nowMillis, true, "the previous reload is still reading " + configPath + " (for "
                    + (nowMillis - stuckSinceMillis) / 1000 + " s; is it a FIFO, or on a stuck mount?); running config"
                    + " (epoch " + before.epoch() + ") kept");
        }
        Future<FaderConfig> read = readers.submit(() -> source.load(configPath));
        FaderConfig loaded;
        try {
            loaded = read.get(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stuck = read;
            stuckSinceMillis = nowMillis;
            return refused(before, nowMillis, true, "reading " + configPath + " did not finish within "
                    + timeLimit.toSeconds() + " s (is it a FIFO, or on a stuck mount?); running config (epoch "
                    + before.epoch() + ") kept");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return refused(before, nowMillis, false, "reload interrupted; running config kept");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConfigException c) {
                List<String> errors = c.errors().stream().map(ConfigError::toString).toList();
                log.error("reload of {} refused, running config (epoch {}) kept:\n{}", configPath, before.epoch(),
                        String.join("\n", errors));
                return new ReloadStatus(false, before.epoch(), nowMillis, errors, List.of(), List.of(), false);
            }
            return refused(before, nowMillis, false, "reload of " + configPath + " failed: " + e.getCause());
        }
        try {
            synchronized (applyLock) {
                return apply(before, loaded, nowMillis);
            }
        } catch (RuntimeException | Error e) {
            return refused(before, nowMillis, false, "reload of " + configPath + " failed while applying: " + e);
        }
    }

    private ReloadStatus apply(RoutingTable before, FaderConfig loaded, long nowMillis) {
        FaderConfig running = before.config();
        List<String> restartNeeded = running.startup().restartNeededFor(loaded.startup());
        FaderConfig next = loaded.withStartup(running.startup());
        controllers.reconcile(next);
        RoutingTable table = RoutingTable.compile(next, epoch.incrementAndGet(), controllers.overrides());
        List<String> impact = ReloadImpact.describe(before, table);
        publish.accept(table);
        if (!restartNeeded.isEmpty()) {
            log.warn("{} changed {}: applied at the next restart; running on the old values until then", configPath,
                    String.join(", ", restartNeeded));
        }
        log.info("reloaded {}: epoch {}{}", configPath, table.epoch(), impact.isEmpty() ? " (no routing change)"
                : impact.stream().map(l -> "\n  " + l).reduce("", String::concat));
        return new ReloadStatus(true, table.epoch(), nowMillis, List.of(), impact, restartNeeded, false);
    }

    private ReloadStatus refused(RoutingTable before, long nowMillis, boolean timedOut, String why) {
        log.error(why);
        return new ReloadStatus(false, before.epoch(), nowMillis, List.of(why), List.of(), List.of(), timedOut);
    }

    @Override
    public void close() {
        readers.shutdownNow();
    }
}
