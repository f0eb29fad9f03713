package dev.fader.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A log that the disk refuses counts what it lost instead of losing it silently. */
class LineWriterTest {
    @Test
    void linesTheDiskRefusesAreCountedAsDropped() throws Exception {
        LineWriter<String> w = LineWriter.open("/dev/full", "test log", "test-writer", s -> s); // every write: ENOSPC
        for (int i = 0; i < 1000; i++) {
            w.add("line " + i);
        }
        w.close();
        assertThat(w.dropped()).isEqualTo(1000);
    }

    @Test
    void aFileThatCannotBeOpenedSaysWhichLogAndWhere() {
        assertThatThrownBy(() -> LineWriter.<String>open("/no/such/folder/a.log", "access-log", "t", s -> s))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot open access-log /no/such/folder/a.log: NoSuchFileException");
    }
}
