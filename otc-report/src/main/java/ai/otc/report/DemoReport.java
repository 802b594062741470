package ai.otc.report;

import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.report.data.DemoRecords;
import ai.otc.report.data.TopicSnapshot;
import ai.otc.report.render.Charts;
import ai.otc.report.render.Headline;
import ai.otc.report.render.HtmlReport;
import ai.otc.report.render.SummaryJson;
import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.ResultBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report of a demo, the one entry point {@code ./otc demo} (on its live broker) and {@code ./otc report} (on a
 * broker restarted on the demo's data) call: reads {@code runDir/demo.json} and the demo's records from
 * {@code otc.metrics.v1}, {@code otc.rollouts.v1}, {@code otc.evaluations.v1} and {@code otc.tool-usage.v1}
 * (read_committed, from the beginning up to the end offsets at the time of reading), and writes
 * {@code runDir/summary.json}, {@code runDir/report.html} and {@code runDir/plots/*.png}. The same records give the
 * same {@code summary.json}, byte for byte.
 */
public final class DemoReport {

  /** How long reading one topic may take. */
  public static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

  /** The folder of the demo's broker data inside its folder. */
  public static final String KAFKA_DIR = "kafka";

  private DemoReport() {}

  /**
   * Builds the report of the demo in {@code runDir} from the broker at {@code bootstrap}.
   *
   * @throws ReportInputException when {@code runDir} or its {@code demo.json} is missing or malformed
   * @throws IllegalStateException when the broker cannot be read
   * @throws UncheckedIOException when an output cannot be written
   */
  public static Summary build(String bootstrap, Path runDir) {
    DemoConfig config = readConfig(runDir);
    DemoRecords records = new TopicSnapshot(bootstrap, READ_TIMEOUT).read(config.demoId());
    return write(config, records, runDir);
  }

  /** Builds the report of the demo in {@code runDir} from its own broker data, {@code runDir/kafka}. */
  public static Summary rebuild(Path runDir) {
    return rebuild(runDir, runDir.resolve(KAFKA_DIR));
  }

  /**
   * Builds the report of the demo in {@code runDir} from the broker data in {@code kafkaDir}: starts an embedded
   * broker in this JVM on that folder (on free ports), reads, writes, and stops it before returning, also on failure.
   *
   * @throws ReportInputException when the run folder, {@code demo.json} or the broker data is missing
   * @throws BrokerBusyException when another broker holds that data (the demo still running)
   */
  public static Summary rebuild(Path runDir, Path kafkaDir) {
    DemoConfig config = readConfig(runDir);
    BrokerData.check(kafkaDir);
    EmbeddedBroker broker = EmbeddedBroker.builder(kafkaDir).mode(EmbeddedBroker.Mode.IN_JVM).build();
    broker.start();
    try {
      DemoRecords records = new TopicSnapshot(broker.bootstrap(), READ_TIMEOUT).read(config.demoId());
      return write(config, records, runDir);
    } finally {
      broker.close();
    }
  }

  /** Computes and writes the report of {@code records} (the step after reading; tests call it directly). */
  public static Summary write(DemoConfig config, DemoRecords records, Path runDir) {
    DemoResult result = ResultBuilder.build(config, records);
    ObjectNode json = SummaryJson.of(result);
    Map<String, byte[]> charts = Charts.render(result);
    try {
      Path plotsDir = Files.createDirectories(runDir.resolve("plots"));
      List<Path> plots = new ArrayList<>();
      for (Map.Entry<String, byte[]> e : charts.entrySet()) {
        Path p = plotsDir.resolve(e.getKey() + ".png");
        writeAtomically(p, e.getValue());
        plots.add(p);
      }
      Path summary = runDir.resolve("summary.json");
      writeAtomically(summary, SummaryJson.MAPPER.writeValueAsBytes(json));
      Path html = runDir.resolve("report.html");
      writeAtomically(html, HtmlReport.of(result, charts).getBytes(StandardCharsets.UTF_8));
      return new Summary(runDir, summary, html, List.copyOf(plots), json, Headline.of(result));
    } catch (IOException e) {
      throw new UncheckedIOException("writing the report into " + runDir + ": " + e.getMessage(), e);
    }
  }

  private static DemoConfig readConfig(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      throw new ReportInputException("the run folder " + runDir + " does not exist");
    }
    return DemoConfig.read(runDir);
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
