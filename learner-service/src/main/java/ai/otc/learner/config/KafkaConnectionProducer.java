package ai.otc.learner.config;

import ai.otc.contract.kafka.KafkaConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/**
 * The broker connection every Kafka client the learner builds carries (the rewarded reader, the publisher, the policy
 * topic check, the topic initializer's Admin): {@code kafka.bootstrap.servers} and {@code kafka.security.protocol},
 * {@code kafka.sasl.*}, {@code kafka.ssl.*}. Quarkus gives the same {@code kafka.*} keys to the dead-letter channel
 * (SmallRye). A bad value stops the start naming its key.
 */
@ApplicationScoped
public class KafkaConnectionProducer {

  /** Read once from the service's configuration. */
  @Produces
  @Singleton
  KafkaConnection kafkaConnection(Config config) {
    return KafkaConnection.fromConfig(config.getPropertyNames(), name -> config.getOptionalValue(name, String.class));
  }
}
