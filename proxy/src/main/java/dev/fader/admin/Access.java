package dev.fader.admin;

import io.netty.handler.codec.http.HttpMethod;

/**
 * What an admin request may do, and so which token it needs (the README's "Security" table): {@code OPEN}
 * (health, metrics, the page's static files: no data), {@code READ} (status and reports; changes nothing),
 * {@code FEEDBACK} (evidence) and {@code CONTROL} (reload and the rollout actions).
 */
enum Access {
    OPEN, READ, FEEDBACK, CONTROL;

    /** The access a request to {@code path} needs; unknown paths are READ, so probing them needs what reading does. */
    static Access of(HttpMethod method, String path) {
        if (path.equals("/healthz") || path.equals("/metrics") || path.equals("/") || path.startsWith("/ui/")) {
            return method.equals(HttpMethod.POST) ? CONTROL : OPEN;
        }
        if (method.equals(HttpMethod.POST)) {
            if (path.equals("/feedback")) {
                return FEEDBACK;
            }
            if (path.startsWith("/rollouts/") && path.endsWith("/gate")) {
                return READ; // asks for a verdict, changes nothing
            }
            return CONTROL;
        }
        return READ;
    }
}
