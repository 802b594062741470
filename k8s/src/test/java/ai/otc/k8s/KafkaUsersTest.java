package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import io.strimzi.api.kafka.model.kafka.Kafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In prod, each service's KafkaUser has exactly the ACLs its configuration needs ({@link ServiceAcls}: read what it
 * consumes, write what it produces, its own group and transactional ids, nothing else), every user authenticates
 * with a TLS client certificate and has quotas, no user has cluster-level rights, and only rollout-service can write
 * otc.rollouts.v1 (the reward service trusts what it reads there). dev has no authorizer: its users keep their
 * certificates and carry no ACLs.
 */
class KafkaUsersTest {

  static final List<String> SERVICES = List.of("tool-gateway", "reward-service", "learner-service", "rollout-service");

  @Test
  void eachServicesAclsAreExactlyWhatItsConfigurationConsumesAndProduces() {
    Rendered r = Rendered.overlay("prod");
    for (String service : SERVICES) {
      assertThat(acls(r.one(KafkaUser.class, service))).as(service).isEqualTo(ServiceAcls.expected(r, service));
    }
  }

  @Test
  void devHasNoAuthorizerSoItsUsersCarryNoAcls() {
    Rendered dev = Rendered.overlay("dev");
    assertThat(dev.one(Kafka.class, "otc").getSpec().getKafka().getAuthorization()).isNull();
    assertThat(dev.all(KafkaUser.class)).hasSize(Rendered.overlay("prod").all(KafkaUser.class).size())
        .allSatisfy(u -> {
          assertThat(u.getSpec().getAuthorization()).isNull();
          assertThat(u.getSpec().getAuthentication()).isInstanceOf(KafkaUserTlsClientAuthentication.class);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"prod"})
  void everyUserHasACertificateQuotasAndNoClusterRights(String overlay) {
    List<KafkaUser> users = Rendered.overlay(overlay).all(KafkaUser.class);
    assertThat(users).extracting(u -> u.getMetadata().getName()).containsAll(SERVICES);
    for (KafkaUser u : users) {
      String name = u.getMetadata().getName();
      assertThat(u.getMetadata().getLabels()).as(name).containsEntry("strimzi.io/cluster", "otc");
      assertThat(u.getSpec().getAuthentication()).as(name).isInstanceOf(KafkaUserTlsClientAuthentication.class);
      assertThat(u.getSpec().getQuotas()).as(name).isNotNull();
      assertThat(u.getSpec().getQuotas().getProducerByteRate()).as(name).isPositive();
      assertThat(u.getSpec().getQuotas().getConsumerByteRate()).as(name).isPositive();
      assertThat(u.getSpec().getQuotas().getRequestPercentage()).as(name).isPositive();
      for (AclRule rule : rules(u)) {
        assertThat(rule.getResource()).as(name).isNotInstanceOf(AclRuleClusterResource.class);
        assertThat(rule.getOperations()).as(name).doesNotContain(StrimziAclOperation.ALL);
        assertThat(rule.getType() == null || rule.getType() == AclRuleType.ALLOW).as(name + ": deny rules").isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"prod"})
  void onlyTheRolloutServiceCanWriteRollouts(String overlay) {
    List<String> writers = new ArrayList<>();
    for (KafkaUser u : Rendered.overlay(overlay).all(KafkaUser.class)) {
      for (AclRule rule : rules(u)) {
        if (rule.getResource() instanceof AclRuleTopicResource t && covers(t, Topics.ROLLOUTS)
            && rule.getOperations().stream().anyMatch(o -> o == StrimziAclOperation.WRITE || o == StrimziAclOperation.ALL)) {
          writers.add(u.getMetadata().getName());
        }
      }
    }
    assertThat(writers).containsExactly("rollout-service");
    assertThat(TopicTable.get(Topics.ROLLOUTS).writers()).containsExactly("rollout-service");
  }

  /** The user's ACLs in {@link ServiceAcls}' form. */
  static Map<String, TreeSet<String>> acls(KafkaUser u) {
    Map<String, TreeSet<String>> out = new TreeMap<>();
    for (AclRule rule : rules(u)) {
      String key = switch (rule.getResource()) {
        case AclRuleTopicResource t -> "topic:" + pattern(t.getPatternType()) + ":" + t.getName();
        case AclRuleGroupResource g -> "group:" + pattern(g.getPatternType()) + ":" + g.getName();
        case AclRuleTransactionalIdResource x -> "transactionalId:" + pattern(x.getPatternType()) + ":" + x.getName();
        default -> "other:" + rule.getResource();
      };
      TreeSet<String> ops = out.computeIfAbsent(key, k -> new TreeSet<>());
      rule.getOperations().forEach(o -> ops.add(o.toValue()));
    }
    return out;
  }

  private static List<AclRule> rules(KafkaUser u) {
    if (!(u.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
      throw new AssertionError(u.getMetadata().getName() + ": no simple authorization");
    }
    return simple.getAcls();
  }

  private static String pattern(AclResourcePatternType t) {
    return t == null || t == AclResourcePatternType.LITERAL ? "literal" : "prefix";
  }

  private static boolean covers(AclRuleTopicResource t, String topic) {
    return t.getPatternType() == AclResourcePatternType.PREFIX ? topic.startsWith(t.getName())
        : t.getName().equals(topic) || t.getName().equals("*");
  }
}
