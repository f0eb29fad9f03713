package dev.fader.cli;

import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import dev.fader.routing.CompiledRollout;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.routing.SyntheticRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code explain}: which rollout, layer, bucket and variant a described request gets, and why. */
@Command(name = "explain", description = "Show how a request would be routed, layer by layer.")
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE")
    Path config;

    @Option(names = "--header", paramLabel = "'K: V'")
    List<String> headers = new ArrayList<>();

    @Option(names = "--cookie", paramLabel = "'k=v'")
    List<String> cookies = new ArrayList<>();

    @Option(names = "--path", paramLabel = "P", description = "request target, may carry ?query (default /)")
    String path = "/";

    @Option(names = "--host", paramLabel = "H")
    String host = "";

    @Option(names = "--ip", paramLabel = "A", description = "the client's socket address (default 127.0.0.1)")
    String ip = "127.0.0.1";

    @Override
    public Integer call() {
        RoutingTable table;
        try {
            table = RoutingTable.compile(ConfigLoader.load(config), 1);
        } catch (ConfigException e) {
            System.out.println(e.getMessage());
            return 1;
        }
        SyntheticRequest.Builder b = SyntheticRequest.builder().host(host).path(path).ip(ip);
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                System.out.println("--header '" + h + "' is not 'Name: value'");
                return 2;
            }
            b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        for (String c : cookies) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                System.out.println("--cookie '" + c + "' is not 'name=value'");
                return 2;
            }
            b.cookie(c.substring(0, eq).trim(), c.substring(eq + 1).trim());
        }
        SyntheticRequest request = b.build();
        CompiledRollout rollout = table.match(request.host(), request.path());
        if (rollout == null) {
            System.out.println("no rollout matches host '" + request.host() + "' and path '" + request.path()
                    + "': the proxy answers 404");
            return 0;
        }
        System.out.println("rollout: " + rollout.name() + " (the first whose match fits host '" + request.host()
                + "' and path '" + request.path() + "')");
        RouteDecision d = rollout.decide(request, line -> System.out.println("  " + line));
        System.out.println("variant: " + d.variant() + " -> upstream " + d.upstream() + " "
                + table.upstream(d.upstream()).endpoints());
        System.out.println("layer:   " + d.layer() + (d.bucket() >= 0 ? ", bucket " + d.bucket() : ""));
        if (d.newUserId() != null) {
            System.out.println("cookie:  a new " + CompiledRollout.ANONYMOUS_COOKIE + " would be set");
        }
        System.out.println("X-Fader-Decision: " + d.explainHeader(table.epoch()));
        return 0;
    }
}
