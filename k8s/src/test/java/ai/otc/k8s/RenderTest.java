package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Both overlays render with {@code kubectl kustomize}, every object parses into its typed model without an unknown
 * field, names are unique per kind, and the Kafka cluster has the node pools the issue asks for (dev: one node in both
 * KRaft roles; prod: 3 controllers + 3 brokers).
 */
class RenderTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyObjectParsesIntoItsModelWithoutUnknownFields(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    assertThat(r.objects).hasSizeGreaterThan(40);
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (HasMetadata o : r.objects) {
      String id = o.getKind() + "/" + o.getMetadata().getName();
      if (!names.add(id)) {
        problems.add(id + " twice");
      }
      if (!(o instanceof Namespace) && o.getMetadata().getNamespace() == null
          && !o.getKind().equals("RuntimeClass")) {
        problems.add(id + " has no namespace");
      }
      if (!(o instanceof GenericKubernetesResource)) {
        UnknownFields.of(o).forEach(p -> problems.add(id + ": unknown field " + p));
      }
    }
    assertThat(problems).as(overlay).isEmpty();
    assertThat(r.all(StatefulSet.class)).extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("tool-gateway", "reward-service", "learner-service", "rollout-service");
  }

  @Test
  void unknownFieldsAreFoundSoTheCheckAboveCanFail() {
    List<HasMetadata> parsed = Rendered.parse("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          template:
            spec:
              containers:
                - name: c
                  readinesProbe: {httpGet: {path: /q/health/ready, port: 8080}}
        ---
        apiVersion: kafka.strimzi.io/v1
        kind: KafkaUser
        metadata: {name: u}
        spec:
          authorization:
            type: simple
            acls:
              - resource: {type: topic, name: t, patternTyp: literal}
                operations: [Read]
        """);
    assertThat(UnknownFields.of(parsed.get(0))).containsExactly("spec.template.spec.containers[0].readinesProbe");
    assertThat(UnknownFields.of(parsed.get(1))).containsExactly("spec.authorization.acls[0].resource.patternTyp");
  }

  @Test
  void devRunsKafkaOnOneNodeInBothRoles() {
    Rendered dev = Rendered.overlay("dev");
    List<KafkaNodePool> pools = dev.all(KafkaNodePool.class);
    assertThat(pools).hasSize(1);
    assertThat(pools.get(0).getSpec().getReplicas()).isEqualTo(1);
    assertThat(pools.get(0).getSpec().getRoles()).containsExactlyInAnyOrder(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
    Kafka kafka = dev.one(Kafka.class, "otc");
    assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("min.insync.replicas", 1)
        .containsEntry("default.replication.factor", 1);
  }

  @Test
  void prodRunsThreeControllersAndThreeBrokersWithReplicationThreeAndMinIsrTwo() {
    Rendered prod = Rendered.overlay("prod");
    KafkaNodePool controllers = prod.one(KafkaNodePool.class, "controllers");
    KafkaNodePool brokers = prod.one(KafkaNodePool.class, "brokers");
    assertThat(controllers.getSpec().getReplicas()).isEqualTo(3);
    assertThat(controllers.getSpec().getRoles()).containsExactly(ProcessRoles.CONTROLLER);
    assertThat(brokers.getSpec().getReplicas()).isEqualTo(3);
    assertThat(brokers.getSpec().getRoles()).containsExactly(ProcessRoles.BROKER);
    assertThat(prod.all(KafkaNodePool.class)).hasSize(2)
        .allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "otc"));
    Kafka kafka = prod.one(Kafka.class, "otc");
    assertThat(kafka.getSpec().getKafka().getConfig())
        .containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2)
        .containsEntry("offsets.topic.replication.factor", 3)
        .containsEntry("transaction.state.log.replication.factor", 3)
        .containsEntry("transaction.state.log.min.isr", 2)
        .containsEntry("auto.create.topics.enable", false);
    assertThat(kafka.getSpec().getKafka().getAuthorization()).isNotNull();
    assertThat(kafka.getSpec().getKafka().getListeners()).singleElement()
        .satisfies(l -> {
          assertThat(l.isTls()).isTrue();
          assertThat(l.getAuth()).isNotNull();
        });
  }
}
