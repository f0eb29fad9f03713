package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Mutations;
import dev.fader.testing.OkHandler;
import dev.fader.testing.RawHttp;
import dev.fader.testing.TestProxy;
import dev.fader.testing.TestUpstream;
import io.netty.channel.ChannelHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 10,000 seeded random mutations of valid requests (bytes flipped, inserted, deleted, lines
 * duplicated), each on its own connection: the proxy stays up, every reply starts with a valid status
 * line or is a close, and no request the proxy refused reaches the upstream.
 */
class FuzzIT {
    static final int MUTATIONS = 10_000;
    static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 ([1-5][0-9][0-9]) [^\\r\\n]*\\r\\n");

    static String base(int i, int kind) {
        String path = "/fuzz/" + i + "-" + check(i) + "/x?a=1";
        return switch (kind) {
            case 0 -> "GET " + path + " HTTP/1.1\r\nHost: shop.example\r\nX-User-Id: u" + i + "\r\nAccept: */*\r\n\r\n";
            case 1 -> "POST " + path + " HTTP/1.1\r\nHost: shop.example\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world";
            default -> "PUT " + path + " HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        };
    }

    /** A check number, so that a mutated id (a digit flipped or lost) is not taken for another request. */
    static int check(int i) {
        return (i * 7919 + 13) % 10007;
    }

    /**
     * Sends and reads until a response head is complete, the proxy closes, or 300 ms pass with the proxy
     * still waiting for more of a request the mutation made incomplete (then we hang up, as clients do).
     */
    static byte[] exchange(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(300);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.write(buf, 0, n);
                    if (got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                return got.toByteArray();
            } catch (IOException e) {
                // a reset is a close
            }
            return got.toByteArray();
        }
    }

    @Test
    void tenThousandMutationsKeepTheProxyUpAndNothingRefusedIsForwarded() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)});
             TestProxy proxy = TestProxy.start("listen: 127.0.0.1:0\nresponse-timeout: 2s\nbody-timeout: 1s\n"
                     + "client-header-timeout: 1s\nupstreams:\n  a: { endpoints: [127.0.0.1:" + up.port() + "] }\n")) {
            Set<Integer> refused = ConcurrentHashMap.newKeySet();
            java.util.Map<Integer, String> samples = new ConcurrentHashMap<>();
            List<String> invalid = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                jobs.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(20261128L + thread);
                    for (int i = thread; i < MUTATIONS; i += 16) {
                        byte[] request = Mutations.mutate(base(i, i % 3).getBytes(StandardCharsets.ISO_8859_1), r, Mutations.WITHOUT_FRAMING_BYTES);
                        String reply = new String(exchange(proxy.port(), request), StandardCharsets.ISO_8859_1);
                        if (reply.isEmpty()) {
                            continue; // closed without a word: allowed
                        }
                        Matcher m = STATUS.matcher(reply);
                        if (!m.lookingAt()) {
                            invalid.add(reply.substring(0, Math.min(80, reply.length())));
                            continue;
                        }
                        int status = Integer.parseInt(m.group(1));
                        boolean ours = reply.contains("\r\nServer: fader\r\n") || reply.contains("\r\nserver: fader\r\n");
                        if (ours && status >= 400 && status < 500) {
                            refused.add(i);
                            samples.put(i, new String(request, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n")
                                    + " => " + reply.substring(0, Math.min(60, reply.length())).replace("\r\n", " | "));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> j : jobs) {
                j.get();
            }
            pool.shutdown();
            assertThat(invalid).as("replies that are not a valid status line").isEmpty();
            assertThat(refused.size()).as("mutations refused by the proxy").isGreaterThan(1000);
            Thread.sleep(500); // requests forwarded just before their client hung up may still be arriving
            Set<Integer> forwarded = new HashSet<>();
            Pattern id = Pattern.compile("/fuzz/(\\d{1,5})-(\\d{1,5})/");
            for (String uri : up.uris()) {
                Matcher m = id.matcher(uri);
                if (m.find() && check(Integer.parseInt(m.group(1))) == Integer.parseInt(m.group(2))) {
                    forwarded.add(Integer.parseInt(m.group(1)));
                }
            }
            Set<Integer> leaked = new HashSet<>(refused);
            leaked.retainAll(forwarded);
            for (Integer l : leaked.stream().limit(5).toList()) {
                System.out.println("LEAKED " + l + ": " + samples.get(l));
            }
            assertThat(leaked).as("refused requests that reached the upstream").isEmpty();
            try (RawHttp c = RawHttp.connect(proxy.port())) {
                assertThat(c.send("GET /still-up HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            }
            System.out.printf("fuzz: %d mutations, %d refused by the proxy, %d distinct ids forwarded%n", MUTATIONS,
                    refused.size(), forwarded.size());
        }
    }
}
