package dev.fader.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class ForwardHeadersTest {

    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void fieldsNamedInEveryConnectionHeaderGoWhateverTheirSpacingAndCase() {
        HttpHeaders h = headers("Connection", "X-Secret ,keep-alive,\tX-Other", "Connection", "x-third",
                "X-Secret", "1", "X-Other", "2", "X-Third", "3", "Keep-Alive", "timeout=5", "X-Kept", "4",
                "TE", "trailers", "Upgrade", "h2c", "Proxy-Connection", "keep-alive");
        int options = ForwardHeaders.stripHopByHop(h, false);
        assertThat(h.names()).containsExactly("X-Kept");
        assertThat(options).isEqualTo(ForwardHeaders.KEEP_ALIVE);
    }

    @Test
    void closeAndKeepAliveAreReportedAndUpgradeSurvivesOnlyAnUpgrade() {
        assertThat(ForwardHeaders.stripHopByHop(headers("Connection", "CLOSE"), false)).isEqualTo(ForwardHeaders.CLOSE);
        assertThat(ForwardHeaders.stripHopByHop(headers("Connection", "Keep-Alive, close"), false))
                .isEqualTo(ForwardHeaders.CLOSE | ForwardHeaders.KEEP_ALIVE);
        assertThat(ForwardHeaders.stripHopByHop(headers("Connection", "closed"), false)).isZero();
        assertThat(ForwardHeaders.stripHopByHop(headers(), false)).isZero();

        HttpHeaders upgrade = headers("Connection", "Upgrade, X-Hop", "Upgrade", "websocket", "X-Hop", "1");
        ForwardHeaders.stripHopByHop(upgrade, true);
        assertThat(upgrade.get("Upgrade")).isEqualTo("websocket");
        assertThat(upgrade.get("Connection")).isEqualToIgnoringCase("upgrade");
        assertThat(upgrade.contains("X-Hop")).isFalse();
    }

    @Test
    void persistenceFollowsTheVersionDefaultUnlessTheOptionsSayOtherwise() {
        assertThat(ForwardHeaders.persistent(HttpVersion.HTTP_1_1, 0)).isTrue();
        assertThat(ForwardHeaders.persistent(HttpVersion.HTTP_1_1, ForwardHeaders.CLOSE)).isFalse();
        assertThat(ForwardHeaders.persistent(HttpVersion.HTTP_1_0, 0)).isFalse();
        assertThat(ForwardHeaders.persistent(HttpVersion.HTTP_1_0, ForwardHeaders.KEEP_ALIVE)).isTrue();
        assertThat(ForwardHeaders.persistent(HttpVersion.HTTP_1_0, ForwardHeaders.KEEP_ALIVE | ForwardHeaders.CLOSE))
                .isFalse();
    }

    @Test
    void forClientReportsTheUpstreamsOptionsAndTheClientsClose() {
        HttpResponse keepAlive = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        keepAlive.headers().set("Connection", "keep-alive").set("Content-Length", "3");
        int answer = ForwardHeaders.forClient(keepAlive, false, false, false);
        assertThat(answer).isEqualTo(ForwardHeaders.KEEP_ALIVE);
        assertThat(keepAlive.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(keepAlive.headers().get("Via")).isEqualTo("1.1 fader");

        HttpResponse unsized = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        // An HTTP/1.0 client learns where an unsized body ends from the close.
        assertThat(ForwardHeaders.forClient(unsized, true, false, false)).isEqualTo(ForwardHeaders.CLIENT_CLOSE);
        assertThat(unsized.headers().get("Connection")).isEqualTo("close");
    }
}
