package dev.fader.proxy;

import dev.fader.feedback.Outcome;
import dev.fader.wire.Problem;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The one table of everything Fader answers itself: the status the client gets, the outcome the request
 * is counted as, and what happened. Every refusal and failure on the request path goes through it; the
 * README's status table is checked against it by a test.
 */
enum Failure {
    MALFORMED(HttpResponseStatus.BAD_REQUEST, Outcome.Kind.S4XX, "malformed request"),
    BAD_HOST(HttpResponseStatus.BAD_REQUEST, Outcome.Kind.S4XX, "bad Host"),
    NO_ROUTE(HttpResponseStatus.NOT_FOUND, Outcome.Kind.S4XX, "no rollout matches"),
    HEAD_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.Kind.S4XX, "request head too slow"),
    BODY_STALLED(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.Kind.CLIENT_ABORT, "request body stalled"),
    CLIENT_STALLED(HttpResponseStatus.REQUEST_TIMEOUT, Outcome.Kind.CLIENT_ABORT, "client stopped reading"),
    BODY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Outcome.Kind.S4XX, "body too large"),
    LINE_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, Outcome.Kind.S4XX, "request line too long"),
    HEAD_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Outcome.Kind.S4XX, "header fields too large"),
    EXPECTATION(HttpResponseStatus.EXPECTATION_FAILED, Outcome.Kind.S4XX, "unsupported expectation"),
    VERSION(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, Outcome.Kind.S4XX, "unsupported HTTP version"),
    NO_ENDPOINT(HttpResponseStatus.SERVICE_UNAVAILABLE, Outcome.Kind.UNAVAILABLE, "no usable endpoint"),
    TOO_MANY_CONNECTIONS(HttpResponseStatus.SERVICE_UNAVAILABLE, Outcome.Kind.UNAVAILABLE, "too many connections"),
    CONNECT_REFUSED(HttpResponseStatus.BAD_GATEWAY, Outcome.Kind.CONNECT_ERROR, "cannot connect"),
    CONNECT_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, Outcome.Kind.TIMEOUT, "connect timed out"),
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, Outcome.Kind.TIMEOUT, "no answer in time"),
    UPSTREAM_STALLED(HttpResponseStatus.GATEWAY_TIMEOUT, Outcome.Kind.TIMEOUT, "upstream stalled"),
    UPSTREAM_CLOSED(HttpResponseStatus.BAD_GATEWAY, Outcome.Kind.RESET, "upstream closed the connection"),
    BAD_RESPONSE(HttpResponseStatus.BAD_GATEWAY, Outcome.Kind.RESET, "invalid response"),
    NOT_IMPLEMENTED(HttpResponseStatus.NOT_IMPLEMENTED, Outcome.Kind.S4XX, "unsupported transfer coding");

    final HttpResponseStatus status;
    final Outcome.Kind kind;
    final String what;

    /** The answer to a request the decoder refused. */
    static Failure valueOf(Problem problem) {
        return switch (problem) {
            case MALFORMED -> MALFORMED;
            case LINE_TOO_LONG -> LINE_TOO_LONG;
            case HEAD_TOO_LARGE -> HEAD_TOO_LARGE;
            case NOT_IMPLEMENTED -> NOT_IMPLEMENTED;
        };
    }

    Failure(HttpResponseStatus status, Outcome.Kind kind, String what) {
        this.status = status;
        this.kind = kind;
        this.what = what;
    }
}
