package dev.fader.config;

import java.util.List;

/** A named pool of endpoints that serve one variant. */
public record UpstreamConfig(String name, List<Address> endpoints) {
    public UpstreamConfig {
        endpoints = List.copyOf(endpoints);
    }
}
