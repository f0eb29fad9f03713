package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.feedback.Outcome;
import org.junit.jupiter.api.Test;

/**
 * {@link FrontendHandler} and {@link UpstreamHandler} on {@code EmbeddedChannel}s: every byte in and out
 * is the test's, so ordering and connection reuse are checked exactly, without sockets or timing. Each
 * test releases everything it was given; the class fails on any leaked buffer.
 */
class HandlersTest {
    static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    @Test
    void aPipelinedRequestWaitsUntilTheOneBeforeItIsAnswered() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(p.upstreams).hasSize(1);
            String first = p.toUpstream(0);
            assertThat(first).startsWith("GET /one HTTP/1.1\r\n").doesNotContain("/two");
            assertThat(p.toClient()).isEmpty();

            p.fromUpstream(0, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none");
            assertThat(p.toClient()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("one");
            assertThat(p.upstreams).as("the connection is reused for the next request").hasSize(1);
            assertThat(p.toUpstream(0)).startsWith("GET /two HTTP/1.1\r\n");

            p.fromUpstream(0, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo");
            assertThat(p.toClient()).endsWith("two");
            assertThat(p.outcomes).extracting(Outcome::status).containsExactly(200, 200);
            assertThat(p.client.isOpen()).isTrue();
        }
    }

    @Test
    void eachRequestOnAConnectionIsMeasuredAfreshThoughItsExchangeObjectIsReused() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("POST /first?q=1 HTTP/1.1\r\nHost: one\r\nX-Request-Id: given-1\r\nContent-Length: 5\r\n\r\nhello");
            p.toUpstream(0);
            p.fromUpstream(0, "HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy");
            p.fromClient("GET /second HTTP/1.1\r\nHost: two\r\n\r\n");
            p.fromUpstream(0, OK);

            assertThat(p.toClient()).contains("busy").endsWith("ok");
            assertThat(p.outcomes).hasSize(2);
            Outcome first = p.outcomes.get(0), second = p.outcomes.get(1);
            assertThat(first.request().path()).isEqualTo("/first");
            assertThat(first.request().requestId()).isEqualTo("given-1");
            assertThat(first.status()).isEqualTo(503);
            assertThat(first.bytesIn()).isEqualTo(5);
            assertThat(first.bytesOut()).isEqualTo(4);
            assertThat(second.request().path()).isEqualTo("/second");
            assertThat(second.request().host()).isEqualTo("two");
            assertThat(second.request().requestId()).isNotEqualTo("given-1");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bytesIn()).isZero();
            assertThat(second.bytesOut()).isEqualTo(2);
            assertThat(second.request().startedAtMillis()).isGreaterThanOrEqualTo(first.request().startedAtMillis());
        }
    }

    @Test
    void expectContinueIsAnsweredHereAndTheUpstreamGetsTheBodyWithoutTheField() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(p.toClient()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            assertThat(p.toUpstream(0)).as("the head waits for the first body part").isEmpty();

            p.fromClient("hello");
            String sent = p.toUpstream(0);
            assertThat(sent).startsWith("POST /up HTTP/1.1\r\n").endsWith("\r\n\r\nhello");
            assertThat(sent.toLowerCase()).doesNotContain("expect:");

            p.fromUpstream(0, OK);
            assertThat(p.toClient()).startsWith("HTTP/1.1 200 OK").endsWith("ok");
        }
    }

    @Test
    void anAnswerBeforeTheBodyEndsClosesBothConnectionsAfterIt() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
            assertThat(p.toUpstream(0)).endsWith("hello");

            p.fromUpstream(0, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
            String answer = p.toClient();
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
            // The rest of the body cannot be skipped safely: neither connection carries another request.
            assertThat(p.upstream(0).isOpen()).isFalse();
            p.client.runPendingTasks();
            assertThat(p.client.isOpen()).isFalse();
            assertThat(p.outcomes).extracting(Outcome::status).containsExactly(413);
        }
    }

    @Test
    void anIdleUpstreamThatClosedIsNotReusedAndTheNextRequestGetsAFreshConnection() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            p.toUpstream(0);
            p.fromUpstream(0, OK);
            p.toClient();
            p.upstream(0).close(); // the upstream's keep-alive timer ran out while we held it idle

            p.fromClient("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(p.upstreams).hasSize(2);
            assertThat(p.toUpstream(1)).startsWith("GET /two");
            p.fromUpstream(1, OK);
            assertThat(p.toClient()).startsWith("HTTP/1.1 200 OK");
            assertThat(p.outcomes).extracting(Outcome::kind).containsExactly(Outcome.Kind.S2XX, Outcome.Kind.S2XX);
        }
    }

    @Test
    void aBodilessGetWhosePooledConnectionDiesUnansweredIsSentOnceMore() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            p.toUpstream(0);
            p.fromUpstream(0, OK);
            p.toClient();

            p.fromClient("GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(p.toUpstream(0)).startsWith("GET /two");
            p.upstream(0).close(); // closed as we wrote to it: nothing came back

            assertThat(p.upstreams).hasSize(2);
            assertThat(p.toUpstream(1)).startsWith("GET /two");
            p.fromUpstream(1, OK);
            assertThat(p.toClient()).startsWith("HTTP/1.1 200 OK");
            assertThat(p.outcomes).extracting(Outcome::retried).containsExactly(false, true);
        }
    }

    @Test
    void aRequestLineOfAnotherMajorVersionGets505AndReachesNoUpstream() {
        try (EmbeddedProxy p = EmbeddedProxy.singlePool()) {
            p.fromClient("GET / HTTP/9.9\r\nHost: x\r\n\r\n");
            assertThat(p.toClient()).startsWith("HTTP/1.1 505 HTTP Version Not Supported")
                    .containsIgnoringCase("server: fader").contains("HTTP/9.9 (expected: HTTP/1.0 or HTTP/1.1)");
            assertThat(p.upstreams).isEmpty();
        }
    }
}
