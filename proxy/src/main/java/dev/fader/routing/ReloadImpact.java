package dev.fader.routing;

import dev.fader.config.Percent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who moves when a reload changes weights: per rollout and split layer, the shares before and after and,
 * exactly from the bucket ranges, the share of that layer's users that moves from each variant to each
 * other. A move from a canary back to the baseline is named a rollback.
 */
public final class ReloadImpact {
    private ReloadImpact() {
    }

    public static List<String> describe(RoutingTable before, RoutingTable after) {
        List<String> out = new ArrayList<>();
        for (CompiledRollout now : after.rollouts()) {
            CompiledRollout was = before.rollout(now.name());
            if (was == null) {
                out.add("rollout " + now.name() + ": added");
                continue;
            }
            if (!was.config().salt().equals(now.config().salt())) {
                out.add("rollout " + now.name() + ": salt changed from '" + was.config().salt() + "' to '"
                        + now.config().salt() + "': every user is assigned afresh");
                continue;
            }
            for (CompiledLayer layer : now.layers()) {
                CompiledLayer old = layer(was, layer.name());
                if (layer.isForce()) {
                    continue;
                }
                if (old == null) {
                    out.add("rollout " + now.name() + " layer " + layer.name() + ": added " + shares(now, layer));
                    continue;
                }
                String moves = moves(was, old, now, layer);
                if (!moves.isEmpty()) {
                    out.add("rollout " + now.name() + " layer " + layer.name() + ": " + shares(was, old) + " -> "
                            + shares(now, layer) + "; " + moves);
                }
            }
            for (CompiledLayer old : was.layers()) {
                if (layer(now, old.name()) == null) {
                    out.add("rollout " + now.name() + " layer " + old.name() + ": removed");
                }
            }
        }
        for (CompiledRollout was : before.rollouts()) {
            if (after.rollout(was.name()) == null) {
                out.add("rollout " + was.name() + ": removed");
            }
        }
        return out;
    }

    /** Rollouts that are new or whose salt or any layer's shares differ: their user counts start over. */
    public static Set<String> changedRollouts(RoutingTable before, RoutingTable after) {
        Set<String> out = new TreeSet<>();
        for (CompiledRollout now : after.rollouts()) {
            CompiledRollout was = before.rollout(now.name());
            if (was == null || !was.config().salt().equals(now.config().salt())
                    || was.layers().size() != now.layers().size()) {
                out.add(now.name());
                continue;
            }
            for (int i = 0; i < now.layers().size(); i++) {
                CompiledLayer a = was.layers().get(i);
                CompiledLayer b = now.layers().get(i);
                if (!a.name().equals(b.name()) || !a.shares().equals(b.shares())) {
                    out.add(now.name());
                }
            }
        }
        return out;
    }

    private static String moves(CompiledRollout was, CompiledLayer old, CompiledRollout now, CompiledLayer layer) {
        Map<String, Integer> moved = new LinkedHashMap<>();
        for (int b = 0; b < Buckets.COUNT; b++) {
            String from = old.pick(b);
            String to = layer.pick(b);
            if (!from.equals(to)) {
                moved.merge(from + " -> " + to, 1, Integer::sum);
            }
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : moved.entrySet()) {
            String[] ends = e.getKey().split(" -> ");
            boolean rollback = !ends[0].equals(was.baseline()) && ends[1].equals(now.baseline());
            parts.add(Percent.format(e.getValue()) + " of its users move " + e.getKey() + (rollback ? " (rollback)" : ""));
        }
        return String.join(", ", parts);
    }

    private static String shares(CompiledRollout r, CompiledLayer l) {
        StringBuilder b = new StringBuilder("{");
        for (String v : r.variants().keySet()) {
            int share = l.shareOf(v);
            if (share > 0) {
                b.append(b.length() > 1 ? ", " : "").append(v).append(": ").append(Percent.format(share));
            }
        }
        return b.append('}').toString();
    }

    private static CompiledLayer layer(CompiledRollout r, String name) {
        for (CompiledLayer l : r.layers()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }
}
