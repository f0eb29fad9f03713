package dev.fader.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.admin.AdminApi.ReloadStatus;
import dev.fader.analysis.Controllers;
import dev.fader.config.ConfigLoader;
import dev.fader.config.FaderConfig;
import dev.fader.routing.RoutingTable;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload never takes the safety machinery down with it: a read that blocks is abandoned after the time limit
 * without holding the lock the progressive tick takes, a second reload meanwhile says why it cannot start, and
 * anything thrown (an {@link OutOfMemoryError} included) is a refused reload, not a dead caller.
 */
class ReloaderTest {
    @TempDir
    Path dir;

    static final String YAML = """
            listen: 127.0.0.1:0
            upstreams:
              stable: { endpoints: [127.0.0.1:9] }
            """;

    Reloader reloader(Path file, Object lock, Reloader.Source source, AtomicReference<RoutingTable> table) throws Exception {
        FaderConfig config = ConfigLoader.parse(file, YAML);
        table.set(RoutingTable.compile(config, 1));
        Controllers controllers = new Controllers(System::currentTimeMillis, dir, (n, s) -> { });
        return new Reloader(file, new AtomicLong(1), table::get, controllers, table::set, lock, source,
                Duration.ofMillis(300));
    }

    @Test
    void aBlockedReadIsAbandonedAndNeverHoldsTheTicksLock() throws Exception {
        Path file = dir.resolve("rollout.yaml");
        Files.writeString(file, YAML);
        CountDownLatch release = new CountDownLatch(1);
        Object tickLock = new Object();
        AtomicReference<RoutingTable> table = new AtomicReference<>();
        Reloader r = reloader(file, tickLock, f -> {
            release.await(); // a FIFO nobody writes, a stuck network mount
            return ConfigLoader.load(f);
        }, table);
        Thread tick = new Thread(() -> {
            synchronized (tickLock) {
                // the progressive tick: must get the lock while the read is blocked
            }
        });
        CountDownLatch ticked = new CountDownLatch(1);
        Thread reload = new Thread(() -> {
            ReloadStatus s = r.reload(0);
            assertThat(s.timedOut()).isTrue();
            ticked.countDown();
        });
        reload.start();
        Thread.sleep(50);
        tick.start();
        tick.join(1000);
        assertThat(tick.isAlive()).as("the tick waited for a blocked reload").isFalse();
        assertThat(ticked.await(5, TimeUnit.SECONDS)).isTrue();
        ReloadStatus again = r.reload(1000);
        assertThat(again.ok()).isFalse();
        assertThat(again.timedOut()).isTrue();
        assertThat(again.errors().get(0)).contains("the previous reload is still reading");
        assertThat(table.get().epoch()).isEqualTo(1);
        release.countDown();
        Thread.sleep(100);
        assertThat(r.reload(2000).ok()).as("once the read ends, reloads work again").isTrue();
        r.close();
    }

    @Test
    void anythingThrownIsARefusedReload() throws Exception {
        Path file = dir.resolve("rollout.yaml");
        Files.writeString(file, YAML);
        AtomicReference<RoutingTable> table = new AtomicReference<>();
        Reloader r = reloader(file, new Object(), f -> {
            throw new OutOfMemoryError("Java heap space");
        }, table);
        ReloadStatus s = r.reload(0);
        assertThat(s.ok()).isFalse();
        assertThat(s.timedOut()).isFalse();
        assertThat(s.errors().get(0)).contains("OutOfMemoryError");
        r.close();
    }

    @Test
    void aHugeFileOrAFifoIsRefusedWithoutReadingIt() throws Exception {
        Path huge = dir.resolve("huge.yaml");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB that cost no disk
        }
        AtomicReference<RoutingTable> table = new AtomicReference<>();
        Reloader r = reloader(huge, new Object(), ConfigLoader::load, table);
        ReloadStatus s = r.reload(0);
        assertThat(s.ok()).isFalse();
        assertThat(s.errors().get(0)).contains("larger than 16777216 bytes");
        Path fifo = dir.resolve("fifo.yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Reloader q = reloader(fifo, new Object(), ConfigLoader::load, table);
        ReloadStatus f = q.reload(0);
        assertThat(f.ok()).isFalse();
        assertThat(f.timedOut()).isFalse();
        assertThat(f.errors().get(0)).contains("not a regular file");
        r.close();
        q.close();
    }
}
