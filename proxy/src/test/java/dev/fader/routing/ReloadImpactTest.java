package dev.fader.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Configs;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReloadImpactTest {
    static RoutingTable table(String body) {
        return Configs.table(Configs.canary(body));
    }

    @Test
    void raisingTheCanaryMovesExactlyTheAddedShare() {
        List<String> impact = ReloadImpact.describe(table("split: { canary: 5% }"), table("split: { canary: 12.5% }"));
        assertThat(impact).containsExactly("rollout web layer everyone: {stable: 95%, canary: 5%} -> "
                + "{stable: 87.5%, canary: 12.5%}; 7.5% of its users move stable -> canary");
    }

    @Test
    void loweringTheCanaryIsNamedARollback() {
        List<String> impact = ReloadImpact.describe(table("split: { canary: 10% }"), table("split: { canary: 0% }"));
        assertThat(impact).singleElement().asString().contains("10% of its users move canary -> stable (rollback)");
    }

    @Test
    void nWayChangesListEveryMove() {
        List<String> impact = ReloadImpact.describe(table("split: { other: 10%, canary: 10% }"),
                table("split: { other: 5%, canary: 20% }"));
        // other [0,1000) -> [0,500); canary [1000,2000) -> [500,2500)
        assertThat(impact).singleElement().asString()
                .contains("5% of its users move other -> canary")
                .contains("5% of its users move stable -> canary")
                .doesNotContain("rollback");
    }

    @Test
    void unchangedFileHasNoImpactAndSaltOrLayerChangesAreSaid() {
        assertThat(ReloadImpact.describe(table("split: { canary: 10% }"), table("split: { canary: 10% }"))).isEmpty();
        assertThat(ReloadImpact.describe(table("split: { canary: 10% }"), table("salt: v2\nsplit: { canary: 10% }")))
                .singleElement().asString().contains("salt changed").contains("assigned afresh");
        assertThat(ReloadImpact.describe(table("split: { canary: 10% }"), table("""
                layers:
                  - name: staff
                    when: { header: X-Group, equals: staff }
                    split: { canary: 100% }
                  - name: everyone
                    split: { canary: 10% }
                """))).singleElement().asString().startsWith("rollout web layer staff: added");
    }
}
