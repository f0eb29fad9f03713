package dev.fader.proxy;

import dev.fader.routing.RequestView;
import dev.fader.wire.RequestHead;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Routing's view of the current request of one client connection; reused across its requests. */
public final class NettyRequestView implements RequestView {
    private final byte[] peerAddress;
    private final String peerIp;
    private RequestHead request;
    private String uri;
    // Computed on first use: most requests need neither a host match nor a query parameter.
    private String host;
    private String path;
    private String query;
    private String lastRaw; // the last Host value seen on this connection, and its normalized form
    private String lastNormalized;

    public NettyRequestView(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            this.peerAddress = inet.getAddress().getAddress();
            this.peerIp = inet.getAddress().getHostAddress();
        } else {
            this.peerAddress = null;
            this.peerIp = "";
        }
    }

    public void reset(RequestHead r) {
        this.request = r;
        this.uri = originForm(r.target());
        this.host = null;
        this.path = null;
        this.query = null;
    }

    /** Absolute-form targets (GET http://host/x) become origin-form for routing and for the upstream. */
    static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0) {
            int slash = uri.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri.equals("*") ? uri : "/" + uri;
    }

    @Override
    public String host() {
        if (host == null) {
            String raw = request.host();
            if (raw != lastRaw || lastNormalized == null) { // the head hands out the same String for the same bytes
                lastRaw = raw;
                lastNormalized = RequestView.normalizeHost(raw);
            }
            host = lastNormalized;
        }
        return host;
    }

    /** The target in origin form, as the upstream gets it. */
    String uri() {
        return uri;
    }

    @Override
    public String path() {
        if (path == null) {
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
        }
        return path;
    }

    @Override
    public boolean pathStartsWith(String prefix) {
        return uri.startsWith(prefix); // a prefix holds no '?', so it can only match within the path
    }

    @Override
    public String header(CharSequence name) {
        return request.get(name);
    }

    @Override
    public String headerLines(CharSequence name) {
        int first = request.find(name);
        if (first < 0) {
            return null;
        }
        String joined = request.value(first);
        for (int i = first + 1; i < request.fieldCount(); i++) {
            if (request.nameIs(i, name)) {
                joined = joined + ", " + request.value(i);
            }
        }
        return joined;
    }

    @Override
    public String rawQuery() {
        if (query == null) {
            int q = uri.indexOf('?');
            query = q < 0 ? "" : uri.substring(q + 1);
        }
        return query.isEmpty() ? null : query;
    }

    @Override
    public byte[] peerAddress() {
        return peerAddress;
    }

    @Override
    public String peerIp() {
        return peerIp;
    }
}
