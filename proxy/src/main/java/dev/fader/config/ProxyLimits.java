package dev.fader.config;

import java.time.Duration;

/**
 * Timeouts and bounds of the proxy that a reload applies: each request and connection reads them from
 * the routing snapshot it started with. Defaults follow nginx where it has a counterpart
 * (client_header_timeout 60s is long for an API edge, so 10s, as Envoy's request_headers_timeout users set it).
 * What needs a restart instead lives in {@link StartupSettings}.
 */
public record ProxyLimits(
        Duration connectTimeout,
        Duration responseTimeout,
        Duration clientHeaderTimeout,
        Duration idleTimeout,
        Duration drainTimeout,
        int maxConnections,
        long maxBodySize,
        int maxHeaderSize,
        int maxRequestLine,
        Duration bodyTimeout,
        int outlierConsecutiveFailures,
        Duration outlierBaseEjection,
        int outlierMaxEjectedBasisPoints) {

    public static ProxyLimits defaults() {
        return new ProxyLimits(
                Duration.ofSeconds(2),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(30),
                -1, // max-connections: derived from the open-file limit (ProxyServer)
                0,
                16 * 1024,
                8 * 1024,
                Duration.ofSeconds(60),
                5,
                Duration.ofSeconds(10),
                5000);
    }
}
