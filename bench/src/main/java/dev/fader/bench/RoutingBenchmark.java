package dev.fader.bench;

import dev.fader.config.ConfigLoader;
import dev.fader.proxy.NettyRequestView;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.routing.SyntheticRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The routing decision of one request: match the rollout by host and path, walk a staged rollout's
 * layers (force header absent, a segment that does not match, an allow-list miss) and hash the user key
 * into the catch-all 5% split. Requests cycle over 1,024 distinct users. Run with {@code -prof gc} to
 * see allocation per decision (the RouteDecision itself is the only allocation expected).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBenchmark {
    private RoutingTable table;
    private SyntheticRequest[] requests;
    private HttpRequest[] nettyRequests;
    private final NettyRequestView view = new NettyRequestView(new InetSocketAddress("10.1.2.3", 40000));
    private int next;

    @Setup
    public void setup() throws Exception {
        table = RoutingTable.compile(ConfigLoader.parse(Path.of("bench.yaml"), """
                listen: 127.0.0.1:0
                upstreams:
                  stable: { endpoints: [127.0.0.1:9001] }
                  canary: { endpoints: [127.0.0.1:9101] }
                rollouts:
                  - name: recommender-v2
                    match: { host: api.example.com, path-prefix: /recommend }
                    baseline: stable
                    variants: { stable: stable, canary: canary }
                    user-key: [header:X-User-Id, cookie:uid, ip]
                    layers:
                      - name: testers
                        force: header:X-Fader-Force
                      - name: staff
                        when: { header: X-User-Group, in: [staff, qa] }
                        split: { canary: 100% }
                      - name: beta
                        users: [u1001, u1002, u1003]
                        split: { canary: 100% }
                      - name: everyone
                        split: { canary: 5% }
                """), 1);
        requests = new SyntheticRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = SyntheticRequest.builder().host("api.example.com").path("/recommend/items?page=2")
                    .header("X-User-Id", "user-" + (i * 7919)).header("Accept", "application/json")
                    .header("User-Agent", "bench").build();
        }
        nettyRequests = new HttpRequest[1024];
        for (int i = 0; i < nettyRequests.length; i++) {
            HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/recommend/items?page=2");
            r.headers().set("Host", "api.example.com").set("X-User-Id", "user-" + (i * 7919))
                    .set("Accept", "application/json").set("User-Agent", "bench");
            nettyRequests[i] = r;
        }
    }

    @Benchmark
    public RouteDecision decideSynthetic() {
        SyntheticRequest r = requests[next++ & 1023];
        return table.decide(r);
    }

    /** As the proxy does it: Netty's request and headers behind the per-connection view. */
    @Benchmark
    public RouteDecision decideNetty() {
        view.reset(nettyRequests[next++ & 1023]);
        return table.decide(view);
    }
}
