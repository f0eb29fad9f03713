package dev.fader.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Commands against a running instance's admin API: {@code status}, {@code reload}, and the manual
 * controls {@code pause}, {@code resume}, {@code abort}, {@code promote} of a progressive rollout.
 * Exit 0 when the API answered 2xx, 1 otherwise.
 */
abstract class AdminCommand implements Callable<Integer> {
    @Option(names = "--admin", paramLabel = "URL", description = "admin API (default http://127.0.0.1:9901)")
    String admin = "http://127.0.0.1:9901";

    @Option(names = "--token", paramLabel = "T", description = "admin-token, for POST requests")
    String token;

    int call(String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(10));
        if (method.equals("POST")) {
            b.POST(HttpRequest.BodyPublishers.noBody());
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
        }
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.out.println("cannot reach the admin API at " + admin + ": " + e.getMessage());
            return 1;
        }
        System.out.print(r.body().endsWith("\n") ? r.body() : r.body() + "\n");
        return r.statusCode() / 100 == 2 ? 0 : 1;
    }

    @Command(name = "status", description = "Print a running instance's /status.")
    static final class Status extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            return call("GET", "/status");
        }
    }

    @Command(name = "reload", description = "Ask a running instance to reload its file (POST /reload).")
    static final class Reload extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            return call("POST", "/reload");
        }
    }

    /** pause, resume, abort and promote of one rollout. */
    abstract static class Control extends AdminCommand {
        @Parameters(paramLabel = "ROLLOUT")
        String rollout;

        abstract String action();

        @Override
        public Integer call() throws Exception {
            return call("POST", "/rollouts/" + rollout + "/" + action());
        }
    }

    @Command(name = "pause", description = "Hold a progressive rollout at its current step.")
    static final class Pause extends Control {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Resume a paused progressive rollout.")
    static final class Resume extends Control {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(name = "abort", description = "Send a progressive rollout's canary to 0%% (testers keep it).")
    static final class Abort extends Control {
        @Override
        String action() {
            return "abort";
        }
    }

    @Command(name = "promote", description = "Pass a manual step, or give the canary 100%%.")
    static final class Promote extends Control {
        @Override
        String action() {
            return "promote";
        }
    }
}
