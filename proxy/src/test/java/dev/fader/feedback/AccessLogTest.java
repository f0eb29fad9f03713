package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.OutcomeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class AccessLogTest {
    @TempDir
    Path dir;

    @Test
    void writesOneJsonLinePerRequestWithTheContractsFields() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLog log = AccessLog.open(file.toString())) {
            log.record(OutcomeBuilder.outcome()
                    .request(1_700_000_000_000L, "rid-1", "GET", "Shop.Example:8443", "/a \"quoted\"")
                    .route("shop", "canary", "everyone", 42, 123).servedBy("canary", "127.0.0.1:9101", false)
                    .millis(2, 3.5).bytes(10, 20).build());
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        Map<String, Object> j = new Yaml().load(lines.get(0));
        assertThat(j).containsKeys("ts", "requestId", "method", "host", "path", "status", "durationMs", "rollout",
                "variant", "layer", "bucket", "upstream", "endpoint", "outcome", "bytesIn", "bytesOut");
        assertThat(j).containsEntry("host", "shop.example"); // as routing sees it: lower case, no port
        assertThat(j).containsEntry("path", "/a \"quoted\"").containsEntry("outcome", "2xx")
                .containsEntry("durationMs", 3.5).containsEntry("bucket", 42).containsEntry("ts", "2023-11-14T22:13:20Z");
    }

    @Test
    void aModelAnswerAddsWhatTheModelSaid() {
        Map<String, Object> j = new Yaml().load(AccessLog.line(OutcomeBuilder.outcome()
                .answer(412.5, 230, FinishReason.LENGTH).build()));
        assertThat(j).containsEntry("ttftMs", 412.5).containsEntry("outputTokens", 230)
                .containsEntry("finishReason", "length").containsEntry("inputTokens", 10);
        Map<String, Object> plain = new Yaml().load(AccessLog.line(OutcomeBuilder.outcome().build()));
        assertThat(plain).doesNotContainKeys("ttftMs", "outputTokens", "finishReason");
    }

    @Test
    void hostsAreNormalizedAsRoutingSeesThem() {
        assertThat(dev.fader.routing.RequestView.normalizeHost(null)).isEmpty();
        assertThat(dev.fader.routing.RequestView.normalizeHost("API.example.com")).isEqualTo("api.example.com");
        assertThat(dev.fader.routing.RequestView.normalizeHost("[::1]:8080")).isEqualTo("[::1]");
        assertThat(dev.fader.routing.RequestView.normalizeHost("[::1")).isEqualTo("[::1");
    }

    @Test
    void offMeansNoLog() throws Exception {
        assertThat(AccessLog.open("off")).isNull();
    }
}
