package ai.otc.cli.platform;

import java.io.PrintStream;
import java.nio.file.Path;

/** The demo's last phase: the report, built from the topics (the otc-report module). */
final class DemoReporting {
  private DemoReporting() {}

  static void write(String bootstrap, Path demoDir, PrintStream out, DemoClock clock) throws Refusal {
    out.println(clock.prefix() + "report: not built yet (the otc-report module is not in this tree)");
  }
}
