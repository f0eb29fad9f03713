package dev.fader.routing;

import dev.fader.config.Cidr;
import dev.fader.config.KeySource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A request described by hand, for {@code explain}, {@code simulate} and {@code POST /feedback}. */
public final class SyntheticRequest implements RequestView {
    private final String host;
    private final String path;
    private final String query;
    private final Map<String, String> headers;
    private final String ip;

    private SyntheticRequest(Builder b) {
        this.host = b.host.toLowerCase(Locale.ROOT);
        int q = b.path.indexOf('?');
        this.path = q < 0 ? b.path : b.path.substring(0, q);
        this.query = q < 0 ? null : b.path.substring(q + 1);
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(b.headers);
        if (!b.cookies.isEmpty()) {
            StringBuilder c = new StringBuilder();
            b.cookies.forEach((k, v) -> c.append(c.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            h.put("cookie", c.toString());
        }
        this.headers = h;
        this.ip = b.ip;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A request that carries {@code key} where {@code rollout} looks first for the user key, on a host and
     * path it owns: how {@code simulate} and {@code POST /feedback} find a user's variant. For an {@code ip}
     * key source a key that is not an IP literal is spread over 10.0.0.0/8 by its hash.
     */
    public static SyntheticRequest forUser(CompiledRollout rollout, String key) {
        String host = rollout.config().host() == null ? "" : rollout.config().host().replace("*", "user");
        String prefix = rollout.config().pathPrefix();
        Builder b = builder().host(host).path(prefix);
        KeySource first = rollout.config().userKey().get(0);
        switch (first.kind()) {
            case HEADER -> b.header(first.name(), key);
            case COOKIE -> b.cookie(first.name(), key);
            case QUERY -> b.path(prefix + "?" + first.name() + "=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
            case IP -> b.ip(ipOf(key));
        }
        return b.build();
    }

    private static String ipOf(String key) {
        try {
            Cidr.parse(key);
            return key;
        } catch (IllegalArgumentException e) {
            int h = Murmur3.hashUtf8("ip:", key);
            return "10." + ((h >>> 16) & 0xff) + "." + ((h >>> 8) & 0xff) + "." + (h & 0xff);
        }
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(CharSequence name) {
        return headers.get(name.toString());
    }

    @Override
    public String rawQuery() {
        return query;
    }

    @Override
    public byte[] peerAddress() {
        return ip == null ? null : Cidr.parse(ip).network();
    }

    @Override
    public String peerIp() {
        return ip == null ? "" : ip;
    }

    /** Collects the parts of a synthetic request. */
    public static final class Builder {
        private String host = "";
        private String path = "/";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private String ip = "127.0.0.1";

        public Builder host(String h) {
            this.host = h == null ? "" : h;
            return this;
        }

        /** The request target, which may carry a query string. */
        public Builder path(String p) {
            this.path = p;
            return this;
        }

        public Builder header(String name, String value) {
            headers.put(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        public Builder cookie(String name, String value) {
            cookies.put(name, value);
            return this;
        }

        public Builder ip(String address) {
            this.ip = address;
            return this;
        }

        public SyntheticRequest build() {
            return new SyntheticRequest(this);
        }
    }
}
