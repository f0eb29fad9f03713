package dev.fader.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonDiffTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static List<String> diff(String a, String b, String... ignore) throws Exception {
        List<JsonDiff.Difference> out = new ArrayList<>();
        JsonDiff.diff(JSON.readTree(a), JSON.readTree(b), Set.of(ignore), out);
        return out.stream().map(d -> d.pointer() + " " + d.kind()).toList();
    }

    @Test
    void namesEachDifferenceByItsPointerAndKind() throws Exception {
        assertThat(diff("{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[1,2,3]},\"e\":true,\"g\":2}",
                "{\"a\":1.0,\"b\":{\"c\":\"y\",\"d\":[1,5]},\"e\":\"true\",\"f\":null,\"g\":2.5}"))
                .containsExactly("/b/c VALUE", "/b/d/1 VALUE", "/b/d/2 MISSING", "/e TYPE", "/f EXTRA", "/g VALUE");
        assertThat(diff("[1]", "{}")).containsExactly("/ TYPE");
        assertThat(diff("\"a\"", "\"b\"")).containsExactly("/ VALUE");
        assertThat(diff("{\"a/b\":1,\"m~n\":1}", "{\"a/b\":2,\"m~n\":2}")).containsExactly("/a~1b VALUE", "/m~0n VALUE");
    }

    @Test
    void ignoredPointersAndEverythingUnderThemAreNeverCompared() throws Exception {
        assertThat(diff("{\"id\":\"1\",\"usage\":{\"t\":5},\"x\":[{\"y\":1}]}", "{\"id\":\"2\",\"usage\":{\"t\":9},\"x\":[{\"y\":2}]}",
                "/id", "/usage", "/x/0/y")).isEmpty();
    }

    @Test
    void equalAnswersHaveNoDifference() throws Exception {
        String a = "{\"choices\":[{\"message\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"n\":[1,2,{\"k\":null}]}";
        assertThat(diff(a, a)).isEmpty();
    }
}
