package dev.fader.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar fader.jar <command>}. */
@Command(name = "fader", mixinStandardHelpOptions = true, version = "fader 0.1.0",
        description = "A gray-release (canary) reverse proxy.",
        subcommands = {RunCommand.class, ValidateCommand.class, ExplainCommand.class, SimulateCommand.class, DemoCommand.class,
            AdminCommand.Status.class, AdminCommand.Reload.class, AdminCommand.Pause.class, AdminCommand.Resume.class,
            AdminCommand.Abort.class, AdminCommand.Promote.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
