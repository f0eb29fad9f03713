package dev.fader.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Proves the leak check can fail: a buffer dropped without release is reported. */
class FailingLeakDetectorTest {

    @Test
    void anUnreleasedBufferIsReported() throws Exception {
        leakOne();
        List<String> leaks = new ArrayList<>();
        for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 100; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
            }
            leaks.addAll(FailingLeakDetector.drain()); // drained here so the class-level check stays green
        }
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).contains("LEAK");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeInt(42);
    }
}
