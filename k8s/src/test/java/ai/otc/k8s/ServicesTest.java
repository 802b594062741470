package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What each service needs from its workload: stable instance identities (the reward's instance id, the rollouts'
 * index out of a count equal to the replicas), one run id shared by learner and rollouts, the policy store written by
 * the learner and read (read-only) by the rollouts, the learner's GPU in prod, the gateway's persistent usage spool,
 * managed topics (no service creates one), and no tenant token in the prod rendering.
 */
class ServicesTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void rolloutInstancesAreTheStatefulSetsOrdinalsAndTheirCountItsReplicas(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    StatefulSet rollouts = r.one(StatefulSet.class, "rollout-service");
    int count = Integer.parseInt(Workloads.setting(r, "rollout-service", "otc.rollout.instance-count").orElseThrow());
    assertThat(count).isEqualTo(rollouts.getSpec().getReplicas());
    EnvVar index = env(rollouts.getSpec().getTemplate().getSpec(), "OTC_ROLLOUT_INSTANCE_INDEX").orElseThrow();
    assertThat(index.getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
    EnvVar instance = env(r.one(StatefulSet.class, "reward-service").getSpec().getTemplate().getSpec(),
        "OTC_REWARD_INSTANCE_ID").orElseThrow();
    assertThat(instance.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void learnerAndRolloutsShareOneRunAndOnePolicyStore(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    assertThat(Workloads.setting(r, "learner-service", "otc.learner.run-id"))
        .isEqualTo(Workloads.setting(r, "rollout-service", "otc.rollout.run-id")).isPresent();
    assertThat(Workloads.setting(r, "learner-service", "otc.learner.policy-store"))
        .isEqualTo(Workloads.setting(r, "rollout-service", "otc.rollout.policy-store"))
        .contains("file:///var/otc/policies");
    PodSpec learner = r.one(StatefulSet.class, "learner-service").getSpec().getTemplate().getSpec();
    PodSpec rollout = r.one(StatefulSet.class, "rollout-service").getSpec().getTemplate().getSpec();
    assertThat(claim(learner, "/var/otc/policies")).isEqualTo(claim(rollout, "/var/otc/policies"))
        .isEqualTo("otc-policies");
    assertThat(mount(learner, "/var/otc/policies").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(mount(rollout, "/var/otc/policies").getReadOnly()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theLearnerGetsAGpuInProdOnly(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    PodSpec learner = r.one(StatefulSet.class, "learner-service").getSpec().getTemplate().getSpec();
    Container c = learner.getContainers().get(0);
    Quantity gpu = c.getResources().getLimits().get("nvidia.com/gpu");
    if (overlay.equals("prod")) {
      assertThat(gpu).isEqualTo(new Quantity("1"));
      assertThat(learner.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
      assertThat(learner.getTolerations()).anySatisfy(t -> {
        assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
        assertThat(t.getEffect()).isEqualTo("NoSchedule");
      });
      assertThat(Workloads.setting(r, "learner-service", "otc.learner.device")).contains("gpu");
    } else {
      assertThat(gpu).isNull();
      assertThat(Workloads.setting(r, "learner-service", "otc.learner.device")).contains("cpu");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void topicsAreManagedAndTheGatewaysSpoolIsPersistent(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    assertThat(Workloads.setting(r, "reward-service", "otc.reward.topics.create")).contains("false");
    assertThat(Workloads.setting(r, "learner-service", "otc.learner.topics.create")).contains("false");
    assertThat(Workloads.setting(r, "rollout-service", "otc.rollout.topics.create")).contains("false");
    assertThat(Workloads.setting(r, "tool-gateway", "otc.gateway.metering.create-topic")).contains("false");
    StatefulSet gw = r.one(StatefulSet.class, "tool-gateway");
    String spool = Workloads.setting(r, "tool-gateway", "otc.gateway.metering.spool-dir").orElseThrow();
    String volume = gw.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(spool)).findFirst().orElseThrow().getName();
    assertThat(gw.getSpec().getVolumeClaimTemplates()).extracting(p -> p.getMetadata().getName()).contains(volume);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void tenantTokensAreNotInTheProdRendering(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    if (overlay.equals("prod")) {
      assertThat(r.all(Secret.class)).isEmpty();
    } else {
      assertThat(r.one(Secret.class, "otc-gateway-tenants").getData()).containsKey("rollout-token");
    }
  }

  private static Optional<EnvVar> env(PodSpec pod, String name) {
    return pod.getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  private static VolumeMount mount(PodSpec pod, String path) {
    return pod.getContainers().get(0).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path))
        .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static String claim(PodSpec pod, String path) {
    String name = mount(pod, path).getName();
    Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
    return v.getPersistentVolumeClaim().getClaimName();
  }
}
