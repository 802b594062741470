package ai.otc.rollout.config;

import ai.otc.contract.kafka.KafkaConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/**
 * The broker connection every Kafka client of the service carries (the policy feed, the trajectory publisher, the
 * topic initializer's Admin; see {@code KafkaClients}): {@code kafka.bootstrap.servers} and
 * {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}. A bad value stops the start naming its key.
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
