package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.tools.sandbox.SandboxConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code up}, {@code train} and {@code demo} say on the terminal when the host cannot run the gateway's code sandbox
 * (found when a platform started before bubblewrap was installed refused every code call of a run without a word).
 */
class SandboxWarningTest {
  @Test
  void aHostWithoutBubblewrapGetsOneLineNamingTheFix() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ByteArrayOutputStream julErr = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(julErr, true, StandardCharsets.UTF_8));
    try {
      PlatformSupport.warnIfNoSandbox(new PrintStream(buf, true, StandardCharsets.UTF_8),
          SandboxConfig.defaults().withBwrap(Path.of("/nonexistent/bwrap")));
    } finally {
      System.setErr(stderr);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("warning: the code sandbox is unavailable on this host (")
        .contains("/nonexistent/bwrap").contains("refuse every code call").contains("bin/setup-host");
    assertThat(out.lines()).hasSize(1);
    assertThat(julErr.toString(StandardCharsets.UTF_8)).as("no logging-framework warning besides it").isEmpty();
  }
}
