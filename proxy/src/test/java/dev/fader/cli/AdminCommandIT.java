package dev.fader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fader.testing.Cli;
import dev.fader.testing.OkHandler;
import dev.fader.testing.TestInstance;
import dev.fader.testing.TestUpstream;
import io.netty.channel.ChannelHandler;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's commands against a running instance: status, reload and the manual controls. */
class AdminCommandIT {
    @TempDir
    Path dir;

    @Test
    void manualControlFromTheCommandLine() throws Exception {
        try (TestUpstream up = TestUpstream.start(() -> new ChannelHandler[] {new OkHandler(0)});
             TestInstance f = TestInstance.start(dir, """
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     admin-token: tok
                     access-log: "off"
                     upstreams:
                       stable: { endpoints: [127.0.0.1:%d] }
                       canary: { endpoints: [127.0.0.1:%d] }
                     rollouts:
                       - name: web
                         baseline: stable
                         split: { canary: 0%% }
                         progressive: { steps: [5%%, 100%%], state-dir: state }
                     """.formatted(up.port(), up.port()))) {
            String admin = "http://127.0.0.1:" + f.instance().adminAddress().getPort();
            assertThat(Cli.run("pause", "web", "--admin", admin).status()).as("no token").isEqualTo(1);
            Cli.Result pause = Cli.run("pause", "web", "--admin", admin, "--token", "tok");
            assertThat(pause.status()).isZero();
            assertThat(pause.out()).contains("web is paused");
            assertThat(Cli.run("resume", "web", "--admin", admin, "--token", "tok").out()).contains("web is progressing");
            assertThat(Cli.run("abort", "web", "--admin", admin, "--token", "tok").out()).contains("web is aborted");
            Cli.Result again = Cli.run("resume", "web", "--admin", admin, "--token", "tok");
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.out()).contains("stays aborted");
            assertThat(Cli.run("promote", "nope", "--admin", admin, "--token", "tok").out()).contains("unknown rollout");
            Cli.Result status = Cli.run("status", "--admin", admin);
            assertThat(status.status()).isZero();
            assertThat(status.out()).contains("\"state\":\"aborted\"").contains("\"history\"");
            assertThat(Cli.run("reload", "--admin", admin, "--token", "tok").out()).contains("\"ok\":true");
            assertThat(Cli.run("status", "--admin", "http://127.0.0.1:1").out()).contains("cannot reach the admin API");
        }
    }
}
