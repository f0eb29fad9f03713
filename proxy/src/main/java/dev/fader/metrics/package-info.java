/**
 * Micrometer meters under the contract's Prometheus names, cached per label set so the hot path only
 * increments; start at {@link dev.fader.metrics.ProxyMetrics}.
 */
package dev.fader.metrics;
