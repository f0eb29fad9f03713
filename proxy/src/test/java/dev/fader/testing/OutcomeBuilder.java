package dev.fader.testing;

import dev.fader.feedback.FinishReason;
import dev.fader.feedback.ModelAnswer;
import dev.fader.feedback.Outcome;

/** Outcomes for tests: a 200 from {@code web}/{@code stable} in 1 ms unless told otherwise. */
public final class OutcomeBuilder {
    private long startedAtMillis;
    private String requestId = "r";
    private String method = "GET";
    private String host = "h";
    private String path = "/";
    private String rollout = "web";
    private String variant = "stable";
    private String layer = "everyone";
    private int bucket = -1; // no user key unless route() names one: such requests are never capped per user
    private int keyHash;
    private String upstream;
    private String endpoint = "127.0.0.1:1";
    private boolean fallback;
    private int share = -1;
    private int userTag;
    private int status = 200;
    private Outcome.Kind kind;
    private long firstByteNanos = 1_000_000;
    private long totalNanos = 1_000_000;
    private long bytesIn;
    private long bytesOut;
    private ModelAnswer answer;

    public static OutcomeBuilder outcome() {
        return new OutcomeBuilder();
    }

    public OutcomeBuilder request(long startedAt, String id, String m, String h, String p) {
        startedAtMillis = startedAt;
        requestId = id;
        method = m;
        host = h;
        path = p;
        return this;
    }

    public OutcomeBuilder route(String r, String v, String l, int b, int hash) {
        rollout = r;
        variant = v;
        layer = l;
        bucket = b;
        keyHash = hash;
        return this;
    }

    /** The secret second hash of the user key ({@code UserTags}); 0: the request named no user. */
    public OutcomeBuilder userTag(int tag) {
        userTag = tag;
        return this;
    }

    /** The variant's share of its layer when routed, in basis points. */
    public OutcomeBuilder share(int basisPoints) {
        share = basisPoints;
        return this;
    }

    public OutcomeBuilder variant(String v) {
        variant = v;
        return this;
    }

    public OutcomeBuilder servedBy(String u, String e, boolean viaFallback) {
        upstream = u;
        endpoint = e;
        fallback = viaFallback;
        return this;
    }

    /** The status, counted by its class unless {@link #kind} says otherwise. */
    public OutcomeBuilder status(int s) {
        status = s;
        return this;
    }

    public OutcomeBuilder kind(Outcome.Kind k) {
        kind = k;
        return this;
    }

    public OutcomeBuilder millis(double firstByte, double total) {
        firstByteNanos = (long) (firstByte * 1e6);
        totalNanos = (long) (total * 1e6);
        return this;
    }

    public OutcomeBuilder bytes(long in, long out) {
        bytesIn = in;
        bytesOut = out;
        return this;
    }

    /** A model's streamed answer: time to first token, output tokens (from usage) and finish reason. */
    public OutcomeBuilder answer(double ttftMillis, long outputTokens, FinishReason finish) {
        answer = new ModelAnswer(ModelAnswer.Skip.NONE, true, (long) (ttftMillis * 1e6), 20_000_000, 10, outputTokens,
                false, finish, 0, null);
        return this;
    }

    public Outcome build() {
        return new Outcome(new Outcome.Request(startedAtMillis, requestId, method, host, path, requestId),
                new Outcome.Route(rollout, variant, layer, bucket, keyHash, userTag, upstream == null ? variant : upstream,
                        endpoint, fallback, share),
                kind == null ? Outcome.Kind.ofStatus(status) : kind, status, firstByteNanos, totalNanos, bytesIn,
                bytesOut, false, answer, null);
    }
}
