package dev.fader.feedback;

/**
 * One finished request as the proxy saw it: the request, where it was routed, and what came of it.
 * Latencies are in nanoseconds ({@code firstByteNanos} is -1 when no response byte arrived); the user
 * key itself is never kept. {@code answer} is what the model said, for rollouts with {@code observe: openai}
 * (null for the others); {@code mirror}: what a shadow copy of it needs, for requests a rollout's
 * {@code shadow:} copies (null for the others).
 */
public record Outcome(Request request, Route route, Kind kind, int status, long firstByteNanos, long totalNanos,
        long bytesIn, long bytesOut, boolean retried, ModelAnswer answer, Mirror mirror) {

    /** The request line's facts; {@code host} is the Host field as sent (normalized only where printed). */
    public record Request(long startedAtMillis, String requestId, String method, String host, String path,
            String answerId) {
        static final Request NONE = new Request(0, "", "", "", "", null);
    }

    /**
     * Where the request went. {@code bucket} is -1 when no key was hashed; {@code upstream} and
     * {@code endpoint} are the pool and endpoint that served it (empty when none did); {@code fallback}:
     * the variant's own pool could not serve, so the rollout's baseline pool did; {@code share}: the variant's
     * share of its layer in basis points when the request was routed (the chance a random user got it), -1
     * when not taken (only model answers need it).
     */
    public record Route(String rollout, String variant, String layer, int bucket, int keyHash, int userTag,
            String upstream, String endpoint, boolean fallback, int share) {
        /** A request refused before it was routed. */
        public static final Route NONE = new Route("", "", "", -1, 0, 0, "", "", false, -1);
    }

    /** A request refused before routing (malformed, too large, too slow): nothing to blame on a variant. */
    public static Outcome refused(long nowMillis, int status) {
        return new Outcome(new Request(nowMillis, "", "", "", "", null), Route.NONE, Kind.ofStatus(status), status, -1, 0,
                0, 0, false, null, null);
    }

    public String rollout() {
        return route.rollout();
    }

    public String variant() {
        return route.variant();
    }

    public long startedAtMillis() {
        return request.startedAtMillis();
    }

    /**
     * Whether this request is evidence about its variant's own upstream: client aborts are never blamed on
     * it, and a request its pool could not take at all ({@link Kind#FALLBACK}) says nothing of its answers.
     */
    public boolean judgesVariant() {
        return kind.judgesVariant();
    }

    /** The latency to judge the variant by: none when another pool served the request. */
    public long variantLatencyNanos() {
        return route.fallback() ? -1 : totalNanos;
    }

    /**
     * The contract's outcome label. {@code fallback}: the variant's pool had no usable endpoint, so the
     * baseline served without the variant's upstream being tried; a connect error that was then served by
     * the baseline stays a {@code connect_error} (it is the variant's failure) with {@link Route#fallback} set.
     */
    public enum Kind {
        S2XX("2xx"), S3XX("3xx"), S4XX("4xx"), S5XX("5xx"), CONNECT_ERROR("connect_error"), TIMEOUT("timeout"),
        RESET("reset"), FALLBACK("fallback"), UNAVAILABLE("unavailable"), CLIENT_ABORT("client_abort");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /**
         * Evidence about the variant's own upstream: not a client abort, not a request its pool could not take
         * at all ({@code fallback}, or {@code unavailable}: no usable endpoint and no fallback, a 503 of Fader's).
         */
        public boolean judgesVariant() {
            return this != CLIENT_ABORT && this != FALLBACK && this != UNAVAILABLE;
        }

        /** Counts against the upstream's error rate: 5xx, connect errors, timeouts and resets. */
        public boolean isError() {
            return this == S5XX || this == CONNECT_ERROR || this == TIMEOUT || this == RESET;
        }

        public static Kind ofStatus(int status) {
            if (status >= 500) {
                return S5XX;
            }
            if (status >= 400) {
                return S4XX;
            }
            if (status >= 300) {
                return S3XX;
            }
            return S2XX;
        }
    }
}
