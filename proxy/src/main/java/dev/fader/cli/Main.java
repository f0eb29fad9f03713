package dev.fader.cli;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar fader.jar <command>}. */
@Command(name = "fader", mixinStandardHelpOptions = true, version = "fader 0.1.0",
        description = "A gray-release (canary) reverse proxy.",
        subcommands = {RunCommand.class, ValidateCommand.class, ExplainCommand.class, SimulateCommand.class, PlanCommand.class, DemoCommand.class,
            AdminCommand.Status.class, AdminCommand.Reload.class, AdminCommand.Pause.class, AdminCommand.Resume.class,
            AdminCommand.Abort.class, AdminCommand.Promote.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // Netty samples one buffer in 128 for leak tracking by default, and each sample records a stack
        // trace when released: about 2% of the proxy's CPU in profiles. The tests run "paranoid" and fail
        // on any leak; an operator hunting one sets -Dio.netty.leakDetection.level=simple (or advanced).
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
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
