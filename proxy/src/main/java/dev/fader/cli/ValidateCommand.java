package dev.fader.cli;

import dev.fader.config.ConfigError;
import dev.fader.config.ConfigException;
import dev.fader.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code validate FILE...}: OK per good file, or every error as file:line:column: message; exit 1 if any. */
@Command(name = "validate", description = "Check rollout files without starting anything.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Override
    public Integer call() {
        int status = 0;
        for (Path f : files) {
            try {
                ConfigLoader.load(f);
                System.out.println(f + ": OK");
            } catch (ConfigException e) {
                for (ConfigError err : e.errors()) {
                    System.out.println(err);
                }
                status = 1;
            }
        }
        return status;
    }
}
