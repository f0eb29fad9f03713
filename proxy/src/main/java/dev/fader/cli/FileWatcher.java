package dev.fader.cli;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run --watch}: reloads when the rollout file changes, debounced so that an editor's
 * write-rename-chmod burst (or a Kubernetes ConfigMap's symlink swap) causes one reload, not three.
 * It watches the folder, since editors and ConfigMaps replace the file rather than write into it.
 */
final class FileWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileWatcher.class);
    private final WatchService watch;
    private final Thread thread;

    FileWatcher(Path file, long debounceMillis, Runnable onChange) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        this.watch = FileSystems.getDefault().newWatchService();
        dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(() -> loop(abs.getFileName(), debounceMillis, onChange), "fader-watch");
        thread.setDaemon(true);
        thread.start();
        log.info("watching {} for changes", abs);
    }

    private void loop(Path name, long debounceMillis, Runnable onChange) {
        try {
            while (true) {
                if (!touches(watch.take(), name)) {
                    continue; // another file in the folder (an access log, a pid file)
                }
                // Debounce on this file's events only: others in the folder must not starve the reload.
                long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(debounceMillis);
                long left;
                while ((left = quietUntil - System.nanoTime()) > 0) {
                    WatchKey more = watch.poll(left, TimeUnit.NANOSECONDS);
                    if (more != null && touches(more, name)) {
                        quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(debounceMillis);
                    }
                }
                try {
                    onChange.run();
                } catch (Throwable t) { // an OutOfMemoryError in one reload must not end every later one
                    log.error("reload after a change of {} failed: {}", name, t.toString());
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean touches(WatchKey key, Path name) {
        boolean hit = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            Object ctx = e.context();
            // ConfigMaps swap a "..data" symlink: any change in the folder may be the file's.
            hit |= ctx == null || ctx.equals(name) || ctx.toString().startsWith("..");
        }
        key.reset();
        return hit;
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
