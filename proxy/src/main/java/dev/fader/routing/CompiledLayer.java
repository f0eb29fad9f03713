package dev.fader.routing;

import dev.fader.config.KeySource;
import dev.fader.config.LayerConfig;
import io.netty.util.AsciiString;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A layer ready to decide: its test and its split as cumulative bucket bounds from 0 upward. */
public final class CompiledLayer {
    private final String name;
    private final KeySource force;
    private final AsciiString forceName;
    private final AttributeMatcher when;
    private final Set<String> users;
    private final String baseline;
    private final int[] upper;
    private final String[] variants;
    private final Map<String, Integer> shares;

    CompiledLayer(LayerConfig config, String baseline, Map<String, Integer> shares) {
        this.name = config.name();
        this.force = config.force();
        this.forceName = force == null ? null : new AsciiString(force.name());
        this.when = config.when() == null ? null : new AttributeMatcher(config.when());
        // A HashSet: a miss (most users) is one empty slot, where Set.of probes until it finds one.
        this.users = config.users() == null ? null : Collections.unmodifiableSet(new HashSet<>(config.users()));
        this.baseline = baseline;
        this.shares = Collections.unmodifiableMap(new LinkedHashMap<>(shares));
        this.upper = new int[shares.size()];
        this.variants = new String[shares.size()];
        int bound = 0;
        int i = 0;
        for (Map.Entry<String, Integer> e : shares.entrySet()) {
            bound += e.getValue();
            upper[i] = bound;
            variants[i++] = e.getKey();
        }
    }

    public String name() {
        return name;
    }

    public boolean isForce() {
        return force != null;
    }

    public boolean isCatchAll() {
        return force == null && when == null && users == null;
    }

    KeySource force() {
        return force;
    }

    AsciiString forceName() {
        return forceName;
    }

    AttributeMatcher when() {
        return when;
    }

    Set<String> users() {
        return users;
    }

    /** Non-baseline shares in basis points, in written order. */
    public Map<String, Integer> shares() {
        return shares;
    }

    /** Share of {@code variant} in basis points, the baseline's being the rest. */
    public int shareOf(String variant) {
        if (force != null) {
            return 0;
        }
        if (variant.equals(baseline)) {
            int taken = 0;
            for (int s : shares.values()) {
                taken += s;
            }
            return Buckets.COUNT - taken;
        }
        return shares.getOrDefault(variant, 0);
    }

    /** The buckets of {@code variant} as [from, to), or "the rest" for the baseline. */
    String rangeOf(String variant) {
        int from = 0;
        for (int i = 0; i < variants.length; i++) {
            if (variants[i].equals(variant)) {
                return "[" + from + ", " + upper[i] + ")";
            }
            from = upper[i];
        }
        return "[" + from + ", " + Buckets.COUNT + ") (the rest)";
    }

    String pick(int bucket) {
        for (int i = 0; i < upper.length; i++) {
            if (bucket < upper[i]) {
                return variants[i];
            }
        }
        return baseline;
    }

    public String describeTest() {
        if (force != null) {
            return "force by " + force;
        }
        if (when != null) {
            return "when " + when;
        }
        if (users != null) {
            return "users in allow-list (" + users.size() + ")";
        }
        return "everyone";
    }
}
