package dev.fader.routing;

import dev.fader.config.KeySource;
import dev.fader.config.LayerConfig;
import dev.fader.config.RolloutConfig;
import dev.fader.config.UpstreamConfig;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/** One rollout ready to decide: the first layer that applies picks the variant. */
public final class CompiledRollout {
    public static final String ANONYMOUS_COOKIE = "fader_uid";
    public static final String DEFAULT_LAYER = "default";
    public static final String ANONYMOUS_LAYER = "anonymous";

    private final RolloutConfig config;
    private final String saltPrefix;
    private final Murmur3.Prefix salted;
    private final KeySource[] userKey;
    private final AsciiString[] userKeyNames;
    private final List<CompiledLayer> layers;
    private final CompiledLayer[] walk; // the same layers: an array walk allocates no iterator
    private final Map<String, Route> routes; // a HashMap: one probe, where Map.of may probe several slots
    private final ClientAddress clientAddress;
    private final AsciiString forceField;

    /** {@code catchAllShares}, when not null, replaces the catch-all layer's split (progressive steps, aborts). */
    CompiledRollout(RolloutConfig config, Map<String, UpstreamConfig> upstreams, ClientAddress clientAddress,
            Map<String, Integer> catchAllShares, boolean aborted) {
        this.config = config;
        this.saltPrefix = config.salt() + ":";
        this.salted = new Murmur3.Prefix(saltPrefix);
        this.userKey = config.userKey().toArray(new KeySource[0]);
        this.userKeyNames = config.userKey().stream().map(k -> new AsciiString(k.name())).toArray(AsciiString[]::new);
        this.clientAddress = clientAddress;
        this.forceField = config.layers().stream().map(LayerConfig::force)
                .filter(f -> f != null && f.kind() == KeySource.Kind.HEADER).findFirst()
                .map(f -> new AsciiString(f.name().toLowerCase(java.util.Locale.ROOT))).orElse(null);
        List<CompiledLayer> list = new ArrayList<>();
        for (LayerConfig l : config.layers()) {
            Map<String, Integer> shares = l.split() == null ? Map.of() : l.split().shares();
            if (aborted && l.force() == null) {
                shares = Map.of(); // an aborted canary keeps only its testers (force layers)
            } else if (catchAllShares != null && l.isCatchAll()) {
                shares = catchAllShares;
            }
            list.add(new CompiledLayer(l, config.baseline(), shares));
        }
        this.layers = List.copyOf(list);
        this.walk = list.toArray(new CompiledLayer[0]);
        this.routes = new HashMap<>();
        UpstreamConfig baselinePool = upstreams.get(config.variants().get(config.baseline()));
        config.variants().forEach((variant, upstream) -> routes.put(variant,
                Route.of(variant, config.baseline(), upstreams.get(upstream), baselinePool)));
    }

    public String name() {
        return config.name();
    }

    public RolloutConfig config() {
        return config;
    }

    public List<CompiledLayer> layers() {
        return layers;
    }

    public String baseline() {
        return config.baseline();
    }

    public Map<String, String> variants() {
        return config.variants();
    }

    public boolean explain() {
        return config.explain();
    }

    boolean matches(RequestView request) {
        if (config.host() != null && !hostMatches(config.host(), request.host())) {
            return false;
        }
        return request.pathStartsWith(config.pathPrefix());
    }

    private static boolean hostMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            return host.endsWith(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    public RouteDecision decide(RequestView request) {
        return decide(request, null);
    }

    /**
     * Walks the layers in order; the first that applies decides. {@code trace}, when not null, hears
     * why each layer did or did not apply ({@code explain} prints it); the proxy passes null.
     */
    public RouteDecision decide(RequestView request, Consumer<String> trace) {
        String key = null;
        boolean keyRead = false;
        for (CompiledLayer layer : walk) {
            if (layer.isForce()) {
                String wanted = Attributes.read(request, layer.force(), layer.forceName());
                if (wanted != null && routes.containsKey(wanted)) {
                    if (trace != null) { // built only when explaining: the hot path allocates no text
                        note(trace, layer, "applies: " + layer.force() + " names variant '" + wanted + "'");
                    }
                    return decision(wanted, layer.name(), -1, 0, 0, null);
                }
                if (trace != null) { // built only when explaining: the hot path allocates no text
                    note(trace, layer, wanted == null ? "skipped: " + layer.force() + " absent"
                            : "skipped: " + layer.force() + " = '" + wanted + "' names no variant");
                }
                continue;
            }
            if (layer.when() != null && !layer.when().test(request)) {
                if (trace != null) { // built only when explaining: the hot path allocates no text
                    note(trace, layer, "skipped: no match for " + layer.when());
                }
                continue;
            }
            if (!keyRead) {
                key = userKey(request);
                keyRead = true;
                if (trace != null) {
                    trace.accept(key == null ? "user key: none found (anonymous: " + config.anonymous().name().toLowerCase()
                            + ")" : "user key: found, bucket " + Buckets.of(saltPrefix, key)
                            + " = murmur3_x86_32(\"" + saltPrefix + "<key>\") mod 10000");
                }
            }
            if (layer.users() != null && (key == null || !layer.users().contains(key))) {
                if (trace != null) { // built only when explaining: the hot path allocates no text
                    note(trace, layer, "skipped: user key not in its allow-list of " + layer.users().size());
                }
                continue;
            }
            if (key != null) {
                int hash = salted.hash(key);
                int bucket = Buckets.of(hash);
                String v = layer.pick(bucket);
                if (trace != null) { // built only when explaining: the hot path allocates no text
                    note(trace, layer, "applies: bucket " + bucket + " falls in " + v + "'s range " + layer.rangeOf(v));
                }
                return decision(v, layer.name(), bucket, hash, UserTags.of(key), null);
            }
            switch (config.anonymous()) {
                case BASELINE:
                    if (trace != null) { // built only when explaining: the hot path allocates no text
                        note(trace, layer, "applies: anonymous users go to the baseline");
                    }
                    return decision(config.baseline(), ANONYMOUS_LAYER, -1, 0, 0, null);
                case RANDOM: {
                    // Each request is its own unit: a random hash, so the sample-ratio check and the per-user
                    // caps see independent draws rather than one "user" with hash 0.
                    int hash = ThreadLocalRandom.current().nextInt();
                    int bucket = Buckets.of(hash);
                    if (trace != null) { // built only when explaining: the hot path allocates no text
                        note(trace, layer, "applies: anonymous, random bucket " + bucket);
                    }
                    return decision(layer.pick(bucket), layer.name(), bucket, hash, 0, null);
                }
                default: {
                    String id = newUserId();
                    int hash = salted.hash(id);
                    int bucket = Buckets.of(hash);
                    if (trace != null) { // built only when explaining: the hot path allocates no text
                        note(trace, layer, "applies: anonymous, new " + ANONYMOUS_COOKIE + " cookie, bucket " + bucket);
                    }
                    // No tag: a user is remembered for feedback from the request that brings the cookie back, so a
                    // flood of cookie-less requests neither costs memory per request nor pushes real users out.
                    return decision(layer.pick(bucket), layer.name(), bucket, hash, 0, id);
                }
            }
        }
        if (trace != null) {
            trace.accept("no layer applied: the baseline takes the request");
        }
        return decision(config.baseline(), DEFAULT_LAYER, -1, 0, 0, null);
    }

    private static void note(Consumer<String> trace, CompiledLayer layer, String why) {
        if (trace != null) {
            trace.accept("layer " + layer.name() + ": " + why);
        }
    }

    /** The lower-case name of the header this rollout's force layer reads (kept on forwarded requests), or null. */
    public AsciiString forceField() {
        return forceField;
    }

    /** The bucketing hash of a user key (before {@code mod 10000}), as feedback by user looks it up. */
    public int keyHashOf(String userKey) {
        return salted.hash(userKey);
    }

    /** The bucket of a known user key, as {@code POST /feedback} and {@code simulate} need it. */
    public int bucketOf(String userKey) {
        return Buckets.of(salted.hash(userKey));
    }

    /** The user key of a request: the first configured source present, then the anonymous cookie. */
    public String userKey(RequestView request) {
        for (int i = 0; i < userKey.length; i++) {
            KeySource source = userKey[i];
            String v = source.kind() == KeySource.Kind.IP ? clientAddress.of(request)
                    : Attributes.read(request, source, userKeyNames[i]);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        if (config.anonymous() == RolloutConfig.Anonymous.COOKIE) {
            return Attributes.cookie(request.header(Attributes.COOKIE), ANONYMOUS_COOKIE);
        }
        return null;
    }

    private RouteDecision decision(String variant, String layer, int bucket, int keyHash, int userTag,
            String newUserId) {
        return new RouteDecision(this, variant, layer, bucket, keyHash, userTag, routes.get(variant), newUserId);
    }

    private static String newUserId() {
        return RandomIds.hex128();
    }
}
