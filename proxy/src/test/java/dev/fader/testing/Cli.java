package dev.fader.testing;

import dev.fader.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a CLI command in-process and captures what it prints. */
public final class Cli {
    private Cli() {
    }

    public record Result(int status, String out) {
    }

    public static synchronized Result run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8); // stdout and stderr, as a terminal shows them
        System.setOut(both);
        System.setErr(both);
        try {
            int status = Main.execute(args);
            return new Result(status, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }
}
