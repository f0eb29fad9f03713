package dev.fader.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One thread per kind of admin work, so that no kind waits behind another: {@code safety} (metrics and manual
 * control: what an operator needs while something is going wrong), {@code reads} (status, history, shadow
 * reports, the page), {@code feedback} and {@code reload} (which may block reading a file, up to the
 * reloader's time limit). Queues are bounded: past them a request is answered 503 at once instead of waiting.
 */
final class AdminLanes implements AutoCloseable {
    private final ExecutorService safety = lane("fader-admin-safety", 256);
    private final ExecutorService reads = lane("fader-admin-reads", 64);
    private final ExecutorService feedback = lane("fader-admin-feedback", 256);
    private final ExecutorService reload = lane("fader-admin-reload", 4);

    Executor of(HttpMethod method, String path) {
        if (path.equals("/metrics") || (method.equals(HttpMethod.POST) && path.startsWith("/rollouts/")
                && !path.endsWith("/gate"))) {
            return safety;
        }
        if (path.equals("/reload")) {
            return reload;
        }
        return path.equals("/feedback") ? feedback : reads;
    }

    String name(Executor lane) {
        return lane == safety ? "control" : lane == reload ? "reload" : lane == feedback ? "feedback" : "read";
    }

    private static ExecutorService lane(String name, int queue) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        safety.shutdownNow();
        reads.shutdownNow();
        feedback.shutdownNow();
        reload.shutdownNow();
    }
}
