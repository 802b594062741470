package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.kafka.KafkaConnection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How each service reaches the brokers: one set of service-wide {@code kafka.*} security lines (which every Kafka
 * client of the service takes, its admin clients included: {@link KafkaConnection}), never per-client security keys
 * that would leave some client on other settings. prod: TLS with the service's own KafkaUser certificate (the User
 * Operator's Secret of the service's name) and the cluster CA, both mounted where the lines say, passwords from those
 * Secrets, against the TLS listener the bootstrap address names. dev: the {@code plain} profile's plain listener.
 */
class KafkaClientSecurityTest {

  static final List<String> SERVICES = List.of("tool-gateway", "reward-service", "learner-service", "rollout-service");

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyServiceHasOneSetOfSecurityLinesForAllItsClients(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    for (String service : SERVICES) {
      Properties p = Workloads.properties(r, service);
      for (String key : p.stringPropertyNames()) {
        String bare = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
        String clientKey = bare.replaceAll("^.*\\.(consumer|producer)\\.\"?", "").replace("\"", "")
            .replaceAll("^mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.", "");
        if (!bare.startsWith("kafka.") && KafkaConnection.isSecuritySetting(clientKey)) {
          throw new AssertionError(service + ": " + key + " sets security for one client only; use kafka." + clientKey
              + " (every client of the service takes the kafka.* security keys)");
        }
      }
      assertThat(p.getProperty("kafka.security.protocol")).as(service).isEqualTo("SSL");
      assertThat(p.getProperty("kafka.ssl.keystore.location")).as(service).isEqualTo("/etc/otc/kafka/user/user.p12");
      assertThat(p.getProperty("kafka.ssl.keystore.password")).as(service).isEqualTo("${KAFKA_USER_PASSWORD}");
      assertThat(p.getProperty("kafka.ssl.truststore.location")).as(service).isEqualTo("/etc/otc/kafka/ca/ca.p12");
      assertThat(p.getProperty("kafka.ssl.truststore.password")).as(service).isEqualTo("${KAFKA_CA_PASSWORD}");
      assertThat(p.getProperty("%plain.kafka.security.protocol")).as(service).isEqualTo("PLAINTEXT");
      String profile = Workloads.setting(r, service, "quarkus.profile").orElse("prod");
      boolean plain = List.of(profile.split(",")).contains("plain");
      assertThat(plain).as("%s in %s: the plain profile is dev's only", service, overlay).isEqualTo(overlay.equals("dev"));
      String bootstrap = plain ? p.getProperty("%plain.kafka.bootstrap.servers") : p.getProperty("kafka.bootstrap.servers");
      GenericKafkaListener listener = listener(r, Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1)));
      assertThat(listener.isTls()).as("%s in %s: the listener of %s", service, overlay, bootstrap).isEqualTo(!plain);
      if (!plain) {
        assertThat(listener.getAuth().getType()).as(service).isEqualTo("tls");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theStoresAndPasswordsAreTheServicesOwnSecrets(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    for (String service : SERVICES) {
      PodSpec pod = r.one(StatefulSet.class, service).getSpec().getTemplate().getSpec();
      Container c = pod.getContainers().get(0);
      assertThat(secretAt(pod, c, "/etc/otc/kafka/user")).as(service).isEqualTo(service);
      assertThat(secretAt(pod, c, "/etc/otc/kafka/ca")).as(service).isEqualTo("otc-cluster-ca-cert");
      assertThat(secretKey(c, "KAFKA_USER_PASSWORD")).as(service).isEqualTo(service + "/user.password");
      assertThat(secretKey(c, "KAFKA_CA_PASSWORD")).as(service).isEqualTo("otc-cluster-ca-cert/ca.password");
    }
  }

  private static GenericKafkaListener listener(Rendered r, int port) {
    return r.one(Kafka.class, "otc").getSpec().getKafka().getListeners().stream().filter(l -> l.getPort() == port)
        .findFirst().orElseThrow(() -> new AssertionError("no Kafka listener on port " + port));
  }

  private static String secretAt(PodSpec pod, Container c, String path) {
    VolumeMount m = c.getVolumeMounts().stream().filter(v -> v.getMountPath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": nothing mounted at " + path));
    assertThat(m.getReadOnly()).as(c.getName() + " " + path).isTrue();
    Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
    return v.getSecret().getSecretName();
  }

  private static String secretKey(Container c, String env) {
    EnvVar e = c.getEnv().stream().filter(x -> x.getName().equals(env)).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + ": no " + env));
    assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).as(c.getName() + " " + env + " optional").isNotEqualTo(Boolean.TRUE);
    return e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey();
  }
}
