package dev.fader.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our murmur3 x86_32 against published vectors and against Guava's independent implementation. */
class Murmur3Test {

    /** Public vectors of MurmurHash3_x86_32 (smhasher's verification set as published on Wikipedia). */
    @ParameterizedTest
    @CsvSource({
        "'', 0x0, 0x00000000",
        "'', 0x1, 0x514E28B7",
        "'', 0xffffffff, 0x81F16F39",
        "aaaa, 0x9747b28c, 0x5A97808A",
        "aaa, 0x9747b28c, 0x283E0130",
        "aa, 0x9747b28c, 0x5D211726",
        "a, 0x9747b28c, 0x7FA09EA6",
        "abcd, 0x9747b28c, 0xF0478627",
        "'Hello, world!', 0x9747b28c, 0x24884CBA",
        "The quick brown fox jumps over the lazy dog, 0x9747b28c, 0x2FA826CD",
        "hello, 0x0, 0x248BFA47",
        "The quick brown fox jumps over the lazy dog, 0x0, 0x2E4FF723"})
    void publishedVectors(String input, String seed, String expected) {
        int h = Murmur3.hash(input.getBytes(StandardCharsets.UTF_8), Integer.parseUnsignedInt(seed.substring(2), 16));
        assertThat(h).isEqualTo(Integer.parseUnsignedInt(expected.substring(2), 16));
    }

    @Test
    void fourZeroBytes() {
        assertThat(Murmur3.hash(new byte[4], 0)).isEqualTo(0x2362F9DE);
    }

    /** salt:key -> hash -> bucket, computed with Guava's murmur3_32_fixed (not our code). */
    @ParameterizedTest
    @CsvSource({
        "recommender-v2, u1001, 31292366, 2366",
        "recommender-v2, u1002, 1467341813, 1813",
        "recommender-v2, alice, 2632737622, 7622",
        "checkout-v2, bob, 623772256, 2256",
        "checkout-v2, 12345, 4165289538, 9538",
        "chat-models-2026-11, user-7, 3044946338, 6338",
        "demo, user-0, 3169222558, 2558",
        "demo, user-999, 1651363569, 3569",
        "s, ü, 1970531250, 1250",
        "salt, 日本語ユーザー, 1122112437, 2437",
        "salt, emoji-😀, 880656957, 6957"})
    void goldenBuckets(String salt, String key, long unsignedHash, int bucket) {
        assertThat(Integer.toUnsignedLong(Murmur3.hashUtf8(salt + ":", key))).isEqualTo(unsignedHash);
        assertThat(Buckets.of(salt + ":", key)).isEqualTo(bucket);
    }

    @Test
    void asciiFastPathMatchesGuavaAtEveryLengthAndSplit() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder prefix = new StringBuilder();
            StringBuilder key = new StringBuilder();
            for (int j = r.nextInt(12); j > 0; j--) {
                prefix.append((char) r.nextInt(0x20, 0x7f));
            }
            for (int j = r.nextInt(40); j > 0; j--) {
                key.append((char) r.nextInt(0x00, 0x80));
            }
            int expected = Hashing.murmur3_32_fixed().hashString(prefix.toString() + key, StandardCharsets.UTF_8).asInt();
            assertThat(Murmur3.hashUtf8(prefix.toString(), key)).isEqualTo(expected);
        }
    }

    @Test
    void streamingUtf8MatchesGuavaOnRandomStrings() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = r.nextInt(40);
            for (int j = 0; j < n; j++) {
                switch (r.nextInt(5)) {
                    case 0 -> s.append((char) r.nextInt(0x20, 0x7f));
                    case 1 -> s.append((char) r.nextInt(0x80, 0x800));
                    case 2 -> s.append((char) r.nextInt(0x800, 0xd800));
                    case 3 -> s.appendCodePoint(r.nextInt(0x10000, 0x10ffff));
                    default -> s.append((char) r.nextInt(0x30, 0x3a));
                }
            }
            String prefix = "salt-" + r.nextInt(100) + ":";
            int expected = Hashing.murmur3_32_fixed().hashString(prefix + s, StandardCharsets.UTF_8).asInt();
            assertThat(Murmur3.hashUtf8(prefix, s)).as("%s%s", prefix, s).isEqualTo(expected);
            assertThat(Murmur3.hash((prefix + s).getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(expected);
        }
    }

    @Test
    void aNonAsciiSaltTakesTheGeneralWalkAndStillMatchesGuava() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2_000; i++) {
            String prefix = "sälz-" + "x".repeat(r.nextInt(4)) + ":";
            String key = "user-" + r.nextInt(1_000_000) + (r.nextBoolean() ? "" : "ü");
            int expected = Hashing.murmur3_32_fixed().hashString(prefix + key, StandardCharsets.UTF_8).asInt();
            assertThat(new Murmur3.Prefix(prefix).hash(key)).isEqualTo(expected);
        }
    }
}
