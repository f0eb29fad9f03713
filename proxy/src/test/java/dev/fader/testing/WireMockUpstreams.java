package dev.fader.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

/**
 * WireMock upstreams for a test class, through WireMock's own JUnit 5 extension: loopback, a free port,
 * started before the class and stopped after it. Stubs stay between tests (classes stub once, in
 * {@code @BeforeAll}); a class that wants a clean server resets it itself.
 */
public final class WireMockUpstreams {
    private WireMockUpstreams() {
    }

    public static WireMockExtension perClass() {
        return perClass(options());
    }

    /** {@code options}: anything beyond port and address, e.g. {@code options().disableRequestJournal()}. */
    public static WireMockExtension perClass(WireMockConfiguration options) {
        return WireMockExtension.newInstance().options(options.dynamicPort().bindAddress("127.0.0.1"))
                .configureStaticDsl(false).resetOnEachTest(false).build();
    }
}
