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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reload: load -> validate -> compile -> publish, or nothing. The keys read only at start
 * ({@link dev.fader.config.StartupSettings}) keep their running values: the new snapshot carries those,
 * and the reload names the keys that wait for a restart.
 */
final class Reloader {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final Path configPath;
    private final AtomicLong epoch;
    private final Supplier<RoutingTable> current;
    private final Controllers controllers;
    private final Consumer<RoutingTable> publish;

    Reloader(Path configPath, AtomicLong epoch, Supplier<RoutingTable> current, Controllers controllers,
            Consumer<RoutingTable> publish) {
        this.configPath = configPath;
        this.epoch = epoch;
        this.current = current;
        this.controllers = controllers;
        this.publish = publish;
    }

    ReloadStatus reload(long nowMillis) {
        RoutingTable before = current.get();
        FaderConfig loaded;
        try {
            loaded = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
            log.error("reload of {} refused, running config (epoch {}) kept:\n{}", configPath, before.epoch(),
                    String.join("\n", errors));
            return new ReloadStatus(false, before.epoch(), nowMillis, errors, List.of(), List.of());
        }
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
        return new ReloadStatus(true, table.epoch(), nowMillis, List.of(), impact, restartNeeded);
    }
}
