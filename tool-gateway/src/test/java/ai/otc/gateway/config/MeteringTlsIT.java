package ai.otc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.metering.UsageEvents;
import ai.otc.gateway.metering.UsageMeter;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.TlsBroker;
import ai.otc.testkit.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's metering against a broker it may reach only over mutual TLS (the test kit's {@link TlsBroker}: what the
 * prod overlay's Strimzi listener is), with the settings the service builds from its service-wide {@code kafka.*}
 * keys ({@link GatewayBeans#meteringClientSettings}): the usage topic gate's Admin creates the topic through the TLS
 * listener and the producer delivers every event.
 */
class MeteringTlsIT {

  @TempDir Path tmp;

  @Test
  void theTopicGateAndTheProducerWorkThroughTheTlsListener() throws Exception {
    try (TlsBroker b = TlsBroker.start(tmp.resolve("kafka"), "tool-gateway")) {
      Map<String, Object> props = GatewayBeans.meteringClientSettings(new KafkaConnection(b.tlsBootstrap(), b.clientSecurity()),
          Map.of());
      UsageEvents ev = new UsageEvents("/tool-gateway/tls-it");
      UsageMeter meter = new UsageMeter(props, Topics.TOOL_USAGE, tmp.resolve("spool"), Duration.ofMillis(300), 16);
      try {
        for (int i = 0; i < 5; i++) {
          CallContext ctx = CallContext.newBuilder().setTrajectoryId("traj-" + i).setCallIndex(0).build();
          meter.record(ev.event("traj-" + i + ":0", "alpha", Tool.SEARCH, ctx, ToolStatus.TOOL_STATUS_OK, 1, 0.1, null, false,
              false, false));
        }
        assertThat(meter.flush(Duration.ofSeconds(60))).as("every event acknowledged through the TLS listener").isTrue();
      } finally {
        meter.close();
      }
      try (TopicReader<ToolUsage> usage = TopicReader.open(b.plainBootstrap(), Topics.TOOL_USAGE, ToolUsage.parser())) {
        assertThat(usage.pollUntil(5, Duration.ofSeconds(30))).isEqualTo(5);
      }
    }
  }
}
