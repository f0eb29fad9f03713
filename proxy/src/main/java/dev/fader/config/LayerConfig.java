package dev.fader.config;

import java.util.Set;

/**
 * One layer of a rollout. Exactly one of {@code force} or {@code split} is set; {@code when} and
 * {@code users} narrow who the split applies to (null when absent).
 */
public record LayerConfig(String name, KeySource force, Condition when, Set<String> users, Split split) {
    public LayerConfig {
        users = users == null ? null : Set.copyOf(users);
    }

    public boolean isCatchAll() {
        return force == null && when == null && users == null;
    }
}
