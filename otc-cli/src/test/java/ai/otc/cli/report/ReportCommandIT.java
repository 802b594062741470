package ai.otc.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess;
import ai.otc.contract.Headers;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.ToolCall;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.report.DemoReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc report} as a user runs it, on a demo folder laid out as {@code ./otc demo} leaves it (the broker's data
 * in {@code runs/D/kafka}, {@code demo.json}): the summary it writes equals the one built at the demo's end on the
 * live broker, byte for byte; nothing but its own lines on the terminal; a broker still holding the data is refused
 * (exit 3) and read instead with {@code --bootstrap}.
 */
class ReportCommandIT {

  @TempDir Path runs;

  @Test
  void rebuildsTheDemosSummaryFromItsBrokerData() throws Exception {
    Path runDir = Files.createDirectories(runs.resolve("D"));
    Files.writeString(runDir.resolve("demo.json"), """
        {"demo_id": "D", "rewards": ["em"], "seeds": [1],
         "runs": [{"run_id": "D.em.s1", "reward": "em", "seed": 1, "steps": 1, "wall_s": 5.0}],
         "versions": {"otc": "test"}}
        """);
    EmbeddedBroker broker = EmbeddedBroker.builder(runDir.resolve("kafka")).build();
    byte[] atDemoEnd;
    try {
      broker.start();
      writeRecords(broker);
      atDemoEnd = Files.readAllBytes(DemoReport.build(broker.bootstrap(), runDir).summaryJson());
      JsonNode em = new ObjectMapper().readTree(atDemoEnd).path("runs").path("em");
      // qa: 1 call, correct; qb: no call, wrong -> EM 0.5, TC 0.5, TP 1/1
      assertThat(em.path("em").asDouble()).isEqualTo(0.5);
      assertThat(em.path("tc").asDouble()).isEqualTo(0.5);
      assertThat(em.path("tp").asDouble()).isEqualTo(1.0);
      assertThat(em.path("tool_calls").path("agree").asBoolean()).isTrue();

      OtcProcess.Run busy = OtcProcess.run(null, null, Map.of(), Duration.ofMinutes(3), "report", "--run", "D",
          "--runs-dir", runs.toString());
      assertThat(busy.exit()).as(busy.err()).isEqualTo(3);
      assertThat(busy.err()).contains("--bootstrap").hasLineCount(1);

      Files.delete(runDir.resolve("summary.json"));
      OtcProcess.Run live = OtcProcess.run(null, null, Map.of(), Duration.ofMinutes(3), "report", "--run", "D",
          "--runs-dir", runs.toString(), "--bootstrap", broker.bootstrap());
      assertThat(live.exit()).as(live.err()).isZero();
      assertThat(Files.readAllBytes(runDir.resolve("summary.json"))).isEqualTo(atDemoEnd);
    } finally {
      broker.close();
    }

    Files.delete(runDir.resolve("summary.json"));
    OtcProcess.Run r = OtcProcess.run(null, null, Map.of(), Duration.ofMinutes(5), "report", "--run", "D",
        "--runs-dir", runs.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).as("nothing but the command's own lines (no logging-framework notices)").isEmpty();
    assertThat(r.out()).contains("otc report: reading demo D from its broker data").contains("em        EM 0.500  TC 0.500")
        .contains("wrote " + runDir.resolve("summary.json"));
    assertThat(Files.readAllBytes(runDir.resolve("summary.json"))).isEqualTo(atDemoEnd);
    assertThat(runDir.resolve("report.html")).isNotEmptyFile();
    assertThat(runDir.resolve("plots/curve-em.png")).isNotEmptyFile();
  }

  private static void writeRecords(EmbeddedBroker broker) {
    broker.createTopics(List.of(Topics.METRICS, Topics.EVALUATIONS, Topics.TOOL_USAGE, Topics.ROLLOUTS).stream()
        .map(t -> new NewTopic(t, TopicTable.get(t).partitions(), (short) 1)).toList());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      send(producer, Topics.METRICS, "D.em.s1", Headers.TYPE_STEP_METRICS, StepMetrics.newBuilder().setRunId("D.em.s1")
          .setStep(1).setEm(0.25).setTc(1.5).setTp(0.25 / 1.5).setMeanReward(0.2).setKl(0.01).build().toByteArray());
      send(producer, Topics.EVALUATIONS, "D.em.s1", Headers.TYPE_TRAJECTORY, eval("qa", 1, true).toByteArray());
      send(producer, Topics.EVALUATIONS, "D.em.s1", Headers.TYPE_TRAJECTORY, eval("qb", 0, false).toByteArray());
      send(producer, Topics.TOOL_USAGE, "t", Headers.TYPE_TOOL_USAGE, ToolUsage.newBuilder().setId("t/D.em.s1/eval/qa:0")
          .setTenant("t").setTrajectoryId("D.em.s1/eval/qa").setCallIndex(0).setWallMs(3).build().toByteArray());
      producer.flush();
    }
  }

  private static Trajectory eval(String q, int calls, boolean correct) {
    Trajectory.Builder t = Trajectory.newBuilder().setTrajectoryId("D.em.s1/eval/" + q).setRunId("D.em.s1")
        .setQuestionId(q).setDataSource("world_1hop").setQuestionKind(calls == 0 ? "1p" : "1n").setMinCalls(calls)
        .setRolloutBatch(-1).setGroupSize(1).setToolCallCount(calls).setCorrect(correct).setHasAnswer(true)
        .setExtractedAnswer(q);
    for (int i = 0; i < calls; i++) {
      t.addTurns(Turn.newBuilder().setIndex(i).setToolCall(ToolCall.newBuilder().setStatus(ToolStatus.TOOL_STATUS_OK)
          .setLatencyMs(2).setCallId("D.em.s1/eval/" + q + ":" + i)));
    }
    return t.build();
  }

  private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, String type, byte[] value) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
    r.headers().add(Headers.TYPE, type.getBytes(StandardCharsets.UTF_8));
    r.headers().add(Headers.VERSION, Headers.VERSION_VALUE.getBytes(StandardCharsets.UTF_8));
    producer.send(r);
  }
}
