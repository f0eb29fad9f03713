package dev.fader.feedback;

import dev.fader.config.JudgeConfig;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RoutingTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Sends the answers sampled for a rollout's {@code judge:} (request and answer text, each bounded) to its
 * URL, and counts the score it returns as feedback on the variant that answered (source {@code judge};
 * below 0.5 negative). Blind: the judge is told the rollout and request id, never the variant. Nothing
 * here runs on the event loop or makes a client wait: posts go out from the HTTP client's own threads, at
 * most {@code max-in-flight} per rollout; an answer that finds them all busy is dropped and counted, as are
 * timeouts, failures and answers without a score ({@code onResult(rollout, result)}).
 */
public final class Judges implements OutcomeSink, AutoCloseable {
    private static final int MAX_REPLY = 64 * 1024;

    private final Supplier<RoutingTable> table;
    private final Consumer<Feedback> onScore;
    private final BiConsumer<String, String> onResult;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fader-judge");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().executor(threads).version(HttpClient.Version.HTTP_1_1)
            .build();
    private final Slots inFlight = new Slots();

    public Judges(Supplier<RoutingTable> table, Consumer<Feedback> onScore, BiConsumer<String, String> onResult) {
        this.table = table;
        this.onScore = onScore;
        this.onResult = onResult;
    }

    @Override
    public void record(Outcome o) {
        ModelAnswer a = o.answer();
        if (a == null || a.sample() == null || !a.read() || !o.judgesVariant() || o.route().fallback()) {
            return;
        }
        CompiledRollout r = table.get().rollout(o.rollout());
        JudgeConfig judge = r == null ? null : r.config().judge();
        if (judge == null) {
            return; // the judge was removed by a reload while the answer streamed
        }
        Semaphore slots = inFlight.of(o.rollout(), judge.maxInFlight());
        if (!slots.tryAcquire()) {
            onResult.accept(o.rollout(), "dropped");
            return;
        }
        String body = new JsonWriter().beginObject().field("answerId", o.request().answerId())
                .field("requestId", o.request().requestId())
                .field("rollout", o.rollout()).field("request", a.sample().request())
                .field("answer", a.sample().answer()).endObject().toString();
        HttpRequest post = HttpRequest.newBuilder(judge.url()).timeout(judge.timeout())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        client.sendAsync(post, HttpResponse.BodyHandlers.ofInputStream()).thenApply(Judges::score)
                .whenComplete((score, failure) -> {
                    slots.release();
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                        onResult.accept(o.rollout(), cause instanceof HttpTimeoutException ? "timeout" : "failed");
                    } else if (score == null) {
                        onResult.accept(o.rollout(), "invalid");
                    } else {
                        onResult.accept(o.rollout(), "scored");
                        Outcome.Route route = o.route();
                        onScore.accept(new Feedback(System.currentTimeMillis(), route.rollout(), route.variant(),
                                route.layer(), route.bucket() >= 0, route.keyHash(), score >= 0.5, score, "judge",
                                o.request().answerId(), null));
                    }
                });
    }

    /** The score in a 2xx JSON reply, when it is a number in 0..1; else null. A failed status is a failure. */
    private static Double score(HttpResponse<InputStream> reply) {
        String text;
        try (InputStream in = reply.body()) {
            text = new String(in.readNBytes(MAX_REPLY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        if (reply.statusCode() / 100 != 2) {
            throw new CompletionException(new IOException("judge answered " + reply.statusCode()));
        }
        Object parsed;
        try {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text); // JSON is YAML
        } catch (RuntimeException e) {
            return null; // not JSON
        }
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("score") instanceof Number n)) {
            return null;
        }
        double s = n.doubleValue();
        return s >= 0 && s <= 1 ? s : null;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
