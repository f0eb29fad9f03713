package dev.fader.analysis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSTs transition events as JSON to {@code notify:} URLs: asynchronous, three tries with backoff, never in the data path. */
final class Webhooks {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    private static final int TRIES = 3;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    void send(List<String> urls, String json) {
        for (String url : urls) {
            attempt(url, json, 1);
        }
    }

    private void attempt(String url, String json, int attempt) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        client.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            if (e == null && r.statusCode() < 300) {
                return;
            }
            String why = e != null ? e.toString() : "HTTP " + r.statusCode();
            if (attempt >= TRIES) {
                log.warn("webhook {} failed {} times, giving up: {}", url, TRIES, why);
                return;
            }
            CompletableFuture.delayedExecutor(1L << (attempt - 1), TimeUnit.SECONDS)
                    .execute(() -> attempt(url, json, attempt + 1));
        });
    }
}
