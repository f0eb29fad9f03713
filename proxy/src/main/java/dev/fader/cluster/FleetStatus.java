package dev.fader.cluster;

import java.util.List;

/**
 * What {@code /status} says of the fleet: this instance's name, the leader's ("" while none is known), the
 * instances alive (their leases held), whether etcd answered the last look, and the last error if not.
 */
public record FleetStatus(String instance, String leader, List<String> instances, boolean connected, String lastError) {
    public FleetStatus {
        instances = List.copyOf(instances);
    }
}
