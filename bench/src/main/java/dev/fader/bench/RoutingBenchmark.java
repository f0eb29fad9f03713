package dev.fader.bench;

import dev.fader.config.ConfigLoader;
import dev.fader.proxy.NettyRequestView;
import dev.fader.wire.Http1Decoder;
import dev.fader.wire.RequestHead;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import dev.fader.routing.RouteDecision;
import dev.fader.routing.RoutingTable;
import dev.fader.routing.SyntheticRequest;
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
    private RequestHead[] heads;
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
        heads = new RequestHead[1024];
        for (int i = 0; i < heads.length; i++) {
            // Each head from its own decoder, as each connection has its own.
            EmbeddedChannel ch = new EmbeddedChannel(Http1Decoder.requests(8192, 16384));
            ch.writeInbound(Unpooled.copiedBuffer("GET /recommend/items?page=2 HTTP/1.1\r\nHost: api.example.com\r\n"
                    + "X-User-Id: user-" + (i * 7919) + "\r\nAccept: application/json\r\nUser-Agent: bench\r\n\r\n",
                    StandardCharsets.US_ASCII));
            heads[i] = (RequestHead) ch.readInbound();
            ch.finishAndReleaseAll();
        }
    }

    @Benchmark
    public RouteDecision decideSynthetic() {
        SyntheticRequest r = requests[next++ & 1023];
        return table.decide(r);
    }

    /** As the proxy does it: the decoded head, its fields read in place, behind the per-connection view. */
    @Benchmark
    public RouteDecision decideProxy() {
        view.reset(heads[next++ & 1023]);
        return table.decide(view);
    }
}
