package ai.otc.cli.policy;

import ai.otc.policy.eval.Acceptance;
import ai.otc.policy.eval.EvalReport;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the policy subcommands (JSON output). */
final class PolicyRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyRun() {}

  static void writeJson(Path file, Object value) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static void writeJsonl(Path file, List<Map<String, Object>> rows) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      StringBuilder sb = new StringBuilder();
      for (Map<String, Object> r : rows) {
        sb.append(JSON.writeValueAsString(r)).append('\n');
      }
      Files.writeString(file, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static void printAcceptance(Acceptance.Result r) {
    System.out.println();
    System.out.println(r.greedy().table());
    System.out.println(r.forced().table());
    System.out.println(r.table());
    System.out.println(r.allMet() ? "acceptance: all targets met" : "acceptance: some targets missed (see NO rows)");
  }

  static void printReport(EvalReport r) {
    System.out.println(r.table());
  }
}
