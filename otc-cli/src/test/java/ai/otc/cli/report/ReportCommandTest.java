package ai.otc.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.Otc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./otc report}'s refusals: one line naming what is missing and the exit code the help promises, before any
 * broker starts. (Reading the topics, with and without a broker of its own, is otc-report's ReportFromTopicsIT.)
 */
class ReportCommandTest {

  @TempDir Path runs;

  record Result(int exit, String out, String err) {}

  private Result run(String... args) {
    CommandLine cl = Otc.commandLine();
    ReportCommand cmd = (ReportCommand) cl.getSubcommands().get("report").getCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    StringWriter usageErr = new StringWriter();
    cl.setErr(new PrintWriter(usageErr, true));
    StringWriter usageOut = new StringWriter();
    cl.setOut(new PrintWriter(usageOut, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8) + usageOut, err.toString(StandardCharsets.UTF_8) + usageErr);
  }

  @Test
  void aMissingRunFolderIsOneLineAndExit2() {
    Result r = run("report", "--run", "demo-x", "--runs-dir", runs.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("otc report: no demo folder " + runs.resolve("demo-x") + " (list " + runs
        + "/ for the demos ./otc demo wrote, or pass --runs-dir)");
  }

  @Test
  void aFolderWithoutDemoJsonIsOneLineAndExit2() throws Exception {
    Files.createDirectories(runs.resolve("d1"));
    Result r = run("report", "--run", "d1", "--runs-dir", runs.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(runs.resolve("d1/demo.json") + " is missing").hasLineCount(1);
  }

  @Test
  void aDemoWithoutBrokerDataIsExit2NamingTheFolderAndTheWayOut() throws Exception {
    Files.createDirectories(runs.resolve("d2"));
    Files.writeString(runs.resolve("d2/demo.json"), "{\"demo_id\": \"d2\", \"runs\": []}");
    Result r = run("report", "--run", "d2", "--runs-dir", runs.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no broker data in " + runs.resolve("d2/kafka")).contains("--bootstrap").hasLineCount(1);
  }

  @Test
  void aCorruptDemoJsonIsExit2() throws Exception {
    Files.createDirectories(runs.resolve("d3/kafka"));
    Files.writeString(runs.resolve("d3/demo.json"), "{\"runs\": []}");
    Result r = run("report", "--run", "d3", "--runs-dir", runs.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("\"demo_id\" is missing").hasLineCount(1);
  }

  @Test
  void badFlagsAreOneLineAndExit2() {
    Result missing = run("report");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required option: '--run=ID'").contains("./otc report --help").hasLineCount(1);
    Result bootstrap = run("report", "--run", "x", "--bootstrap", "nohost", "--runs-dir", runs.toString());
    assertThat(bootstrap.exit()).isEqualTo(2);
    assertThat(bootstrap.err()).contains("--bootstrap must be HOST:PORT");
    assertThat(run("report", "--run", "../etc", "--runs-dir", runs.toString()).exit()).isEqualTo(2);
  }

  @Test
  void helpSaysWhatItReadsWritesAndTheExitCodes() {
    Result r = run("report", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--run=ID", "--runs-dir=DIR", "--bootstrap=HOST:PORT", "summary.json", "report.html",
        "otc.evaluations.v1", "Exit codes: 0 done");
  }
}
