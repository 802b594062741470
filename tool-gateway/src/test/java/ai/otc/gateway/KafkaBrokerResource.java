package ai.otc.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.Map;

/**
 * A real single-node KRaft broker on 127.0.0.1 for {@code @QuarkusTest}s of metering; use with
 * {@code restrictToAnnotatedClass = true} so only the annotated class pays for it.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
  private EmbeddedKafkaBroker broker;

  @Override
  public Map<String, String> start() {
    broker = new EmbeddedKafkaBroker().withKafkaHost("127.0.0.1").withNodeId(1).start();
    return Map.of("kafka.bootstrap.servers", broker.getAdvertisedListeners());
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.close();
    }
  }
}
