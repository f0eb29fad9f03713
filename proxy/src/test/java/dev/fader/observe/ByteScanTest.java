package dev.fader.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.LeakCheckExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheckExtension.class)
class ByteScanTest {
    @Test
    void findsTheFirstOfTwoBytesAtEveryPositionAndNeverReadsPastTheEnd() {
        Random random = new Random(7);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            for (int run = 0; run < 20_000; run++) {
                buf.clear();
                int length = random.nextInt(40);
                for (int i = 0; i < length; i++) {
                    // mostly bytes near the targets, whose words differ from them by one bit or one borrow
                    byte[] near = {'!', '#', '"', '\\', '[', ']', (byte) 0xA2, (byte) 0xDC, 0, 1, 'a'};
                    buf.writeByte(random.nextInt(4) == 0 ? near[random.nextInt(near.length)] : 'a' + random.nextInt(26));
                }
                buf.writeBytes(new byte[] {'"', '"', '"', '"', '"', '"', '"', '"'}); // beyond the range: never found
                int from = length == 0 ? 0 : random.nextInt(length);
                int expected = length;
                for (int i = from; i < length; i++) {
                    if (buf.getByte(i) == '"' || buf.getByte(i) == '\\') {
                        expected = i;
                        break;
                    }
                }
                assertThat(ByteScan.find(buf.memoryAddress(), from, length, (byte) '"', (byte) '\\'))
                        .as("run %d", run).isEqualTo(expected);
            }
        } finally {
            buf.release();
        }
    }
}
