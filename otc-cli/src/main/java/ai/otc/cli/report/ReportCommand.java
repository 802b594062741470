package ai.otc.cli.report;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.cli.OtcSubcommand;
import ai.otc.report.BrokerBusyException;
import ai.otc.report.DemoConfig;
import ai.otc.report.DemoReport;
import ai.otc.report.ReportInputException;
import ai.otc.report.Summary;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./otc report --run ID}: rebuilds a demo's report ({@code summary.json}, {@code report.html},
 * {@code plots/*.png} in {@code runs/ID/}) from its topics, with the same code {@code ./otc demo} runs at its end
 * ({@link DemoReport}). Without {@code --bootstrap} it starts an embedded broker in this JVM on the demo's broker data
 * ({@code runs/ID/kafka}) and stops it before it returns; with it, it reads a running broker.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Rebuild the report of a demo from its topics: runs/ID/summary.json,",
        "runs/ID/report.html (one self-contained file that opens offline) and",
        "runs/ID/plots/*.png. Reads runs/ID/demo.json (which runs there are, their",
        "configuration) and, read_committed up to their current end, otc.metrics.v1,",
        "otc.rollouts.v1, otc.evaluations.v1 and otc.tool-usage.v1 (the numbers).",
        "Without --bootstrap it starts an embedded broker in this process on the demo's",
        "data (runs/ID/kafka) and stops it at the end. The same records give the same",
        "summary.json as ./otc demo wrote.",
        "Exit codes: 0 done, 1 failed (broker, reading, writing), 2 bad flag or",
        "missing/corrupt input (run folder, demo.json, broker data), 3 in the way (a",
        "running broker holds runs/ID/kafka: pass --bootstrap).",
        ""})
public final class ReportCommand implements OtcSubcommand, OneLineUsageErrors {

  @Option(names = "--run", required = true, paramLabel = "ID", description = "the demo's id (its folder runs/ID)")
  String run;

  @Option(names = "--runs-dir", paramLabel = "DIR", description = "where the demos keep their folders (default ${DEFAULT-VALUE})")
  Path runsDir = Path.of("runs");

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "read the topics from this running broker instead of starting one on runs/ID/kafka")
  String bootstrap;

  /** Streams, replaceable by tests. */
  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    if (run.isBlank() || run.contains("/") || run.equals(".") || run.equals("..")) {
      return fail(2, "--run must be a demo id (a folder name under " + runsDir + "), got '" + run + "'");
    }
    if (bootstrap != null && !bootstrap.matches("[^\\s:/]+:\\d{1,5}(,[^\\s:/]+:\\d{1,5})*")) {
      return fail(2, "--bootstrap must be HOST:PORT, got '" + bootstrap + "'");
    }
    Path runDir = runsDir.resolve(run);
    if (!Files.isDirectory(runDir)) {
      return fail(2, "no demo folder " + runDir + " (list " + runsDir + "/ for the demos ./otc demo wrote, or pass --runs-dir)");
    }
    if (!Files.isRegularFile(runDir.resolve(DemoConfig.FILE))) {
      return fail(2, runDir.resolve(DemoConfig.FILE) + " is missing: " + runDir + " is not the folder of a demo (./otc demo writes it)");
    }
    // Kafka's clients and the embedded broker log through slf4j, which has no binding here: keep its notice off the terminal.
    System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
    try {
      long t0 = System.nanoTime();
      out.println("otc report: reading demo " + run + (bootstrap != null ? " from " + bootstrap
          : " from its broker data " + runDir.resolve(DemoReport.KAFKA_DIR) + " (embedded broker)"));
      out.flush();
      Summary s = bootstrap != null ? DemoReport.build(bootstrap, runDir) : DemoReport.rebuild(runDir);
      s.headline().forEach(out::println);
      out.printf("wrote %s, %s and %d plots in %s (%.1f s)%n", s.summaryJson(), s.reportHtml(), s.plots().size(),
          runDir.resolve("plots"), (System.nanoTime() - t0) / 1e9);
      out.flush();
      return 0;
    } catch (ReportInputException e) {
      return fail(2, e.getMessage());
    } catch (BrokerBusyException e) {
      return fail(3, e.getMessage());
    } catch (IllegalStateException | UncheckedIOException e) {
      return fail(1, "failed: " + e.getMessage() + (e.getCause() != null && e.getCause().getMessage() != null
          && !e.getMessage().contains(e.getCause().getMessage()) ? " (" + e.getCause().getMessage() + ")" : ""));
    }
  }

  private int fail(int code, String message) {
    err.println("otc report: " + message);
    err.flush();
    return code;
  }
}
