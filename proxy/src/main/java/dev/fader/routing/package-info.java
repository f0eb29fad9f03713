/**
 * Who gets which variant: user keys, murmur3 buckets, layers and splits compiled into one immutable
 * table; start at {@link dev.fader.routing.RoutingTable#decide} and {@link dev.fader.routing.CompiledRollout}.
 */
package dev.fader.routing;
