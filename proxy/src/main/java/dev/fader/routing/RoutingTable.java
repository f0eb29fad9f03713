package dev.fader.routing;

import dev.fader.config.Cidr;
import dev.fader.config.FaderConfig;
import dev.fader.config.RolloutConfig;
import dev.fader.config.UpstreamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The immutable routing snapshot: compiled rollouts in order, with the epoch of the config they came
 * from. Replaced whole on reload or when rollout control changes weights; never mutated.
 */
public final class RoutingTable {
    private final long epoch;
    private final FaderConfig config;
    private final List<CompiledRollout> rollouts;

    private RoutingTable(long epoch, FaderConfig config, List<CompiledRollout> rollouts) {
        this.epoch = epoch;
        this.config = config;
        this.rollouts = List.copyOf(rollouts);
    }

    public static RoutingTable compile(FaderConfig config, long epoch) {
        return compile(config, epoch, Map.of());
    }

    /** {@code overrides}: per rollout name, the weights its controller set (null shares = aborted). */
    public static RoutingTable compile(FaderConfig config, long epoch, Map<String, ControlOverride> overrides) {
        ClientAddress address = new ClientAddress(config.trustedProxies().stream().map(Cidr::parse).toList());
        List<CompiledRollout> list = new ArrayList<>();
        for (RolloutConfig r : config.rollouts()) {
            ControlOverride o = overrides.get(r.name());
            list.add(new CompiledRollout(r, config.upstreams(), address, o == null ? null : o.catchAllShares(), o != null && o.aborted()));
        }
        return new RoutingTable(epoch, config, list);
    }

    /** A controller's say over a rollout: new catch-all shares, or aborted (all but force layers to baseline). */
    public record ControlOverride(Map<String, Integer> catchAllShares, boolean aborted) {
    }

    public long epoch() {
        return epoch;
    }

    public FaderConfig config() {
        return config;
    }

    public List<CompiledRollout> rollouts() {
        return rollouts;
    }

    public CompiledRollout rollout(String name) {
        for (CompiledRollout r : rollouts) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    public UpstreamConfig upstream(String name) {
        return config.upstreams().get(name);
    }

    /** The first rollout whose match fits, or null when none owns the request. */
    public CompiledRollout match(RequestView request) {
        for (CompiledRollout r : rollouts) {
            if (r.matches(request)) {
                return r;
            }
        }
        return null;
    }

    public CompiledRollout match(String host, String path) {
        return match(SyntheticRequest.builder().host(host).path(path).build());
    }

    public RouteDecision decide(RequestView request) {
        CompiledRollout r = match(request);
        return r == null ? null : r.decide(request);
    }
}
