/**
 * Several instances, one progressive rollout state, through etcd: start at {@link dev.fader.cluster.Fleet}
 * (each instance's loop: publish counts, apply the fleet's state, lead when elected) and
 * {@link dev.fader.cluster.FleetLeader} (the one instance that judges the fleet's summed counts).
 */
package dev.fader.cluster;
