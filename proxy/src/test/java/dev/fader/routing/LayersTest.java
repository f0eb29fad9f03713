package dev.fader.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Configs;
import org.junit.jupiter.api.Test;

/** Which layer decides, and what each kind of layer and key source does. */
class LayersTest {
    static final String STAGED = """
            user-key: [header:X-User-Id, cookie:uid, query:uid, ip]
            layers:
              - name: testers
                force: header:X-Fader-Force
              - name: staff
                when: { header: X-User-Group, in: [staff, qa] }
                split: { canary: 100% }
              - name: beta
                users: [u1001, u1002]
                split: { canary: 100% }
              - name: everyone
                split: { canary: 0% }
            """;

    final RoutingTable staged = Configs.table(Configs.canary(STAGED));

    static SyntheticRequest.Builder req() {
        return SyntheticRequest.builder();
    }

    @Test
    void forceHeaderWinsOverEverythingAndUnknownValuesAreIgnored() {
        RouteDecision d = staged.decide(req().header("X-Fader-Force", "canary").header("X-User-Id", "nobody").build());
        assertThat(d.variant()).isEqualTo("canary");
        assertThat(d.layer()).isEqualTo("testers");
        assertThat(d.bucket()).isEqualTo(-1);
        RouteDecision bogus = staged.decide(req().header("X-Fader-Force", "prod-v9").header("X-User-Id", "nobody").build());
        assertThat(bogus.layer()).isEqualTo("everyone");
        assertThat(bogus.variant()).isEqualTo("stable");
        RouteDecision back = staged.decide(req().header("X-Fader-Force", "stable").header("X-User-Group", "staff").build());
        assertThat(back.variant()).isEqualTo("stable");
    }

    @Test
    void segmentThenAllowListThenEveryone() {
        assertThat(staged.decide(req().header("X-User-Group", "qa").header("X-User-Id", "x").build()))
                .extracting(RouteDecision::variant, RouteDecision::layer).containsExactly("canary", "staff");
        assertThat(staged.decide(req().header("X-User-Group", "sales").header("X-User-Id", "u1002").build()))
                .extracting(RouteDecision::variant, RouteDecision::layer).containsExactly("canary", "beta");
        RouteDecision rest = staged.decide(req().header("X-User-Id", "u9999").build());
        assertThat(rest.layer()).isEqualTo("everyone");
        assertThat(rest.variant()).isEqualTo("stable");
        assertThat(rest.bucket()).isEqualTo(Buckets.of("web:", "u9999"));
    }

    @Test
    void allowListMatchesTheKeyFromAnySource() {
        assertThat(staged.decide(req().cookie("uid", "u1001").build()).layer()).isEqualTo("beta");
        assertThat(staged.decide(req().path("/x?a=1&uid=u1001").build()).layer()).isEqualTo("beta");
        assertThat(staged.decide(req().ip("10.1.2.3").build()).layer()).isEqualTo("everyone");
    }

    @Test
    void keySourcesAreTriedInOrder() {
        CompiledRollout r = staged.rollouts().get(0);
        assertThat(r.userKey(req().header("X-User-Id", "h").cookie("uid", "c").path("/?uid=q").ip("10.0.0.1").build()))
                .isEqualTo("h");
        assertThat(r.userKey(req().cookie("uid", "c").path("/?uid=q").ip("10.0.0.1").build())).isEqualTo("c");
        assertThat(r.userKey(req().path("/?x=1&uid=q%20r").ip("10.0.0.1").build())).isEqualTo("q r");
        assertThat(r.userKey(req().ip("10.0.0.1").build())).isEqualTo("10.0.0.1");
    }

    @Test
    void whenOperators() {
        for (String[] c : new String[][] {
            {"{ header: X-Plan, equals: pro }", "pro", "canary"},
            {"{ header: X-Plan, equals: pro }", "free", "stable"},
            {"{ header: X-Plan, prefix: [ent-, gov-] }", "gov-eu", "canary"},
            {"{ header: X-Plan, regex: 'team-[0-9]+' }", "team-42", "canary"},
            {"{ header: X-Plan, regex: 'team-[0-9]+' }", "team-42x", "stable"}}) {
            RoutingTable t = Configs.table(Configs.canary("layers:\n  - name: seg\n    when: " + c[0]
                    + "\n    split: { canary: 100% }"));
            assertThat(t.decide(req().header("X-Plan", c[1]).header("X-User-Id", "k").build()).variant())
                    .as("%s with %s", c[0], c[1]).isEqualTo(c[2]);
        }
        RoutingTable cookie = Configs.table(Configs.canary(
                "layers:\n  - name: seg\n    when: { cookie: plan, in: [pro] }\n    split: { canary: 100% }"));
        assertThat(cookie.decide(req().cookie("plan", "pro").build()).variant()).isEqualTo("canary");
        RoutingTable query = Configs.table(Configs.canary(
                "layers:\n  - name: seg\n    when: { query: beta, equals: '1' }\n    split: { canary: 100% }"));
        assertThat(query.decide(req().path("/a?beta=1").build()).variant()).isEqualTo("canary");
        assertThat(query.decide(req().path("/a?beta=0").build()).variant()).isEqualTo("stable");
    }

    @Test
    void segmentRampGivesPartOfTheSegmentAndNothingOutside() {
        RoutingTable t = Configs.table(Configs.canary("""
                user-key: [header:X-User-Id]
                layers:
                  - name: staff-ramp
                    when: { header: X-User-Group, equals: staff }
                    split: { canary: 50% }
                """));
        int staffCanary = 0;
        for (int i = 0; i < 2000; i++) {
            String key = "u" + i;
            RouteDecision staff = t.decide(req().header("X-User-Group", "staff").header("X-User-Id", key).build());
            assertThat(staff.variant()).isEqualTo(Buckets.of("web:", key) < 5000 ? "canary" : "stable");
            staffCanary += staff.variant().equals("canary") ? 1 : 0;
            RouteDecision other = t.decide(req().header("X-User-Id", key).build());
            assertThat(other.variant()).isEqualTo("stable");
            assertThat(other.layer()).isEqualTo(CompiledRollout.DEFAULT_LAYER);
        }
        assertThat(staffCanary).isBetween(900, 1100);
    }

    @Test
    void anonymousCookiePolicyGivesANewIdThatThenSticks() {
        RoutingTable t = Configs.table(Configs.canary("user-key: [header:X-User-Id]\nsplit: { canary: 50% }"));
        RouteDecision first = t.decide(req().build());
        assertThat(first.newUserId()).matches("[0-9a-f]{32}");
        assertThat(first.bucket()).isEqualTo(Buckets.of("web:", first.newUserId()));
        for (int i = 0; i < 20; i++) {
            RouteDecision again = t.decide(req().cookie(CompiledRollout.ANONYMOUS_COOKIE, first.newUserId()).build());
            assertThat(again.newUserId()).isNull();
            assertThat(again.variant()).isEqualTo(first.variant());
        }
    }

    @Test
    void anonymousBaselineAndRandomPolicies() {
        RoutingTable base = Configs.table(Configs.canary("anonymous: baseline\nuser-key: [header:X-User-Id]\nsplit: { canary: 100% }"));
        assertThat(base.decide(req().build())).extracting(RouteDecision::variant, RouteDecision::layer, RouteDecision::newUserId)
                .containsExactly("stable", CompiledRollout.ANONYMOUS_LAYER, null);
        RoutingTable random = Configs.table(Configs.canary("anonymous: random\nuser-key: [header:X-User-Id]\nsplit: { canary: 50% }"));
        int canary = 0;
        for (int i = 0; i < 1000; i++) {
            RouteDecision d = random.decide(req().build());
            assertThat(d.newUserId()).isNull();
            canary += d.variant().equals("canary") ? 1 : 0;
        }
        assertThat(canary).isBetween(400, 600);
    }

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() {
        String yaml = Configs.canary("user-key: [ip]\nsplit: { canary: 50% }")
                .replace("upstreams:", "trusted-proxies: [10.0.0.0/8, '::1']\nupstreams:");
        CompiledRollout r = Configs.table(yaml).rollouts().get(0);
        // Untrusted peer: its X-Forwarded-For claim is ignored.
        assertThat(r.userKey(req().ip("203.0.113.7").header("X-Forwarded-For", "198.51.100.1").build()))
                .isEqualTo("203.0.113.7");
        // Trusted peer: the right-most untrusted hop is the client, whatever was prepended before it.
        assertThat(r.userKey(req().ip("10.0.0.5").header("X-Forwarded-For", "6.6.6.6, 198.51.100.1, 10.0.0.9").build()))
                .isEqualTo("198.51.100.1");
        assertThat(r.userKey(req().ip("10.0.0.5").build())).isEqualTo("10.0.0.5");
        assertThat(r.userKey(req().ip("10.0.0.5").header("X-Forwarded-For", "garbage").build())).isEqualTo("10.0.0.5");
        // RFC 7239 Forwarded is never read for identity, from any peer.
        assertThat(r.userKey(req().ip("203.0.113.7").header("Forwarded", "for=198.51.100.1").build())).isEqualTo("203.0.113.7");
    }

    @Test
    void rolloutsMatchByHostAndPathPrefixInOrder() {
        RoutingTable t = Configs.table("""
                listen: 127.0.0.1:0
                upstreams:
                  a: { endpoints: [127.0.0.1:9001] }
                  b: { endpoints: [127.0.0.1:9002] }
                rollouts:
                  - name: api
                    match: { host: api.example.com, path-prefix: /v1 }
                    baseline: a
                  - name: wild
                    match: { host: "*.example.com" }
                    baseline: b
                  - name: rest
                    baseline: a
                """);
        assertThat(t.match("api.example.com", "/v1/x").name()).isEqualTo("api");
        assertThat(t.match("api.example.com", "/v2").name()).isEqualTo("wild");
        assertThat(t.match("shop.example.com", "/").name()).isEqualTo("wild");
        assertThat(t.match("example.org", "/v1").name()).isEqualTo("rest");
    }

    @Test
    void explainHeaderNamesEverything() {
        RouteDecision d = staged.decide(req().header("X-User-Id", "u9999").build());
        assertThat(d.explainHeader(7)).isEqualTo("rollout=web;variant=stable;layer=everyone;bucket="
                + Buckets.of("web:", "u9999") + ";epoch=7");
    }

    @Test
    void abortedRolloutKeepsOnlyForceLayers() {
        RoutingTable t = RoutingTable.compile(Configs.parse(Configs.canary(STAGED)), 2,
                java.util.Map.of("web", new RoutingTable.ControlOverride(null, true)));
        assertThat(t.decide(req().header("X-User-Group", "staff").build()).variant()).isEqualTo("stable");
        assertThat(t.decide(req().header("X-Fader-Force", "canary").build()).variant()).isEqualTo("canary");
    }
}
