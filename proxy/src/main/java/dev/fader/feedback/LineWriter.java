package dev.fader.feedback;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes one line per item on its own thread, so the event loop only enqueues (lock-free) and the line
 * is formatted off it. The queue is bounded: when the disk or terminal cannot keep up, items are dropped
 * and counted rather than slowing traffic down. Used by the access log and the feedback event log.
 */
final class LineWriter<T> implements AutoCloseable {
    private static final int CAPACITY = 65_536;
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Function<T, String> format;
    private final Writer out;
    private final Thread writer;
    private volatile boolean running = true;

    private LineWriter(Writer out, String threadName, Function<T, String> format) {
        this.out = out;
        this.format = format;
        this.writer = new Thread(this::drain, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /** {@code target}: null or "stdout", "off" (returns null), or a file appended to. */
    static <T> LineWriter<T> open(String target, String threadName, Function<T, String> format) throws IOException {
        if ("off".equals(target)) {
            return null;
        }
        Writer w = target == null || target.equals("stdout")
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)
                : Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new LineWriter<>(w, threadName, format);
    }

    void add(T item) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.increment();
            return;
        }
        queue.add(item);
    }

    long dropped() {
        return dropped.sum();
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            T item = queue.poll();
            try {
                if (item == null) {
                    out.flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    continue;
                }
                size.decrementAndGet();
                out.write(format.apply(item));
                out.write('\n');
            } catch (IOException e) {
                dropped.increment();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(2000);
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // nothing more to do at shutdown
        }
    }
}
