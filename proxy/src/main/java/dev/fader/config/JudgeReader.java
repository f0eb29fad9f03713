package dev.fader.config;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/** Reads a rollout's {@code judge:} block. */
final class JudgeReader {
    private static final Set<String> KEYS = Set.of("url", "sample", "timeout", "max-in-flight", "max-bytes");

    private JudgeReader() {
    }

    static JudgeConfig read(YamlMap j) {
        j.allow(KEYS);
        URI url = j.parsed("url", s -> {
            if (!s.startsWith("http://") && !s.startsWith("https://")) {
                throw new IllegalArgumentException("'" + s + "' is not an http(s) URL");
            }
            return URI.create(s);
        }).orElse(null);
        if (!j.has("url")) {
            j.required("url");
        }
        return new JudgeConfig(url,
                j.parsed("sample", Percent::basisPoints).orElse(100),
                j.parsed("timeout", ConfigLoader::positive).orElse(Duration.ofSeconds(10)),
                j.parsed("max-in-flight", s -> ConfigLoader.count(s, 1)).orElse(8),
                j.parsed("max-bytes", s -> (int) Math.min(1 << 20, Sizes.parse(s))).orElse(16 * 1024));
    }
}
