package dev.fader.feedback;

/**
 * One finished request as the proxy saw it. Latencies are in nanoseconds ({@code firstByteNanos} is -1
 * when no response byte arrived); {@code host} is the Host field as sent; the user key itself is never kept.
 */
public record Outcome(
        long startedAtMillis,
        String requestId,
        String method,
        String host,
        String path,
        int status,
        Kind kind,
        String rollout,
        String variant,
        String layer,
        int bucket,
        int keyHash,
        String upstream,
        String endpoint,
        long firstByteNanos,
        long totalNanos,
        long bytesIn,
        long bytesOut,
        boolean retried) {

    /** The contract's outcome label; client aborts are counted apart and never blamed on the upstream. */
    public enum Kind {
        S2XX("2xx"), S3XX("3xx"), S4XX("4xx"), S5XX("5xx"), CONNECT_ERROR("connect_error"), TIMEOUT("timeout"),
        RESET("reset"), CLIENT_ABORT("client_abort");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
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
