package dev.fader.feedback;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
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
 * and counted rather than slowing traffic down. Lines the disk refuses (full, gone, a broken pipe) are
 * counted too: every line written since the last flush that succeeded is lost when a flush fails. Used by the
 * access log and the feedback event log ({@code fader_log_lines_dropped_total{log}}).
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
    private long unflushed; // lines written since the last flush that succeeded; the writer thread's own

    private LineWriter(Writer out, String threadName, Function<T, String> format) {
        this.out = out;
        this.format = format;
        this.writer = new Thread(this::drain, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * {@code target}: null or "stdout", "off" (returns null), or a file appended to; {@code what} names the log
     * in the error when the file cannot be opened. Standard output is written through its file descriptor, not
     * {@code System.out}, whose PrintStream hides write errors.
     */
    static <T> LineWriter<T> open(String target, String what, String threadName, Function<T, String> format)
            throws IOException {
        if ("off".equals(target)) {
            return null;
        }
        Writer w;
        if (target == null || target.equals("stdout")) {
            w = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
                    1 << 16);
        } else {
            try {
                w = Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot open " + what + " " + target + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null || e.getMessage().equals(target) ? "" : " (" + e.getMessage() + ")")
                        + " (expected: a writable file, stdout or off)", e);
            }
        }
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
                    flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    continue;
                }
                size.decrementAndGet();
                unflushed++;
                out.write(format.apply(item));
                out.write('\n');
            } catch (IOException e) {
                lost();
            }
        }
    }

    private void flush() {
        if (unflushed == 0) {
            return;
        }
        try {
            out.flush();
            unflushed = 0;
        } catch (IOException e) {
            lost();
        }
    }

    /** A write or flush failed: the lines since the last good flush are gone (the buffer's content is unknown). */
    private void lost() {
        dropped.add(unflushed);
        unflushed = 0;
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(2000);
            if (!writer.isAlive()) {
                flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
