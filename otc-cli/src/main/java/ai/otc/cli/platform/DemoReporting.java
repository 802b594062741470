package ai.otc.cli.platform;

import ai.otc.report.BrokerBusyException;
import ai.otc.report.DemoReport;
import ai.otc.report.ReportInputException;
import ai.otc.report.Summary;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The demo's last phase: the report (otc-report) built from the topics of the demo's live broker and its
 * {@code demo.json}, exactly what {@code ./otc report --run ID} rebuilds later from the same records.
 */
final class DemoReporting {
  private DemoReporting() {}

  static Summary write(String bootstrap, Path demoDir, PrintStream out, DemoClock clock) throws Refusal {
    try {
      Summary s = DemoReport.build(bootstrap, demoDir);
      s.headline().forEach(l -> out.println(clock.prefix() + l));
      return s;
    } catch (ReportInputException | BrokerBusyException e) {
      throw Refusal.failed("the report: " + e.getMessage());
    } catch (IllegalStateException | UncheckedIOException e) {
      throw Refusal.failed("the report could not be written: " + e.getMessage());
    }
  }
}
