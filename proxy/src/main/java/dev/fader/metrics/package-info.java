/** Micrometer meters under the contract's Prometheus names, cached per label set so the hot path only increments. */
package dev.fader.metrics;
