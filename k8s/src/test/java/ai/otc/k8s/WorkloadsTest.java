package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every workload of both overlays: probes on the Quarkus health endpoints (gRPC health for the gateway's readiness),
 * requests and limits, the hardened security context, its own ServiceAccount without an API token, a
 * PodDisruptionBudget; the gateway differs from the hardened profile in exactly the documented ways
 * ({@link #GATEWAY_EXCEPTION}, k8s/README.md "The code sandbox's privileges").
 */
class WorkloadsTest {

  static final String GATEWAY = "tool-gateway";
  /** The gateway's documented deviations from the hardened profile; anything else is a failure. */
  static final List<String> GATEWAY_EXCEPTION = List.of("runAsUser=0", "runAsNonRoot=false",
      "capabilities.add=[SETGID, SETUID]", "seccomp=Unconfined", "procMount=Unmasked", "hostUsers=false");

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyContainerHasProbesRequestsAndLimits(String overlay) {
    List<String> problems = new ArrayList<>();
    Workloads.templates(Rendered.overlay(overlay)).forEach((name, t) -> {
      for (Container c : t.getSpec().getContainers()) {
        String id = name + "/" + c.getName();
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("startup", c.getStartupProbe());
        probes.put("readiness", c.getReadinessProbe());
        probes.put("liveness", c.getLivenessProbe());
        probes.forEach((kind, probe) -> {
          if (probe == null) {
            problems.add(id + ": no " + kind + " probe");
          }
        });
        var res = c.getResources();
        for (String r : List.of("cpu", "memory")) {
          if (res == null || res.getRequests() == null || !res.getRequests().containsKey(r)) {
            problems.add(id + ": no " + r + " request");
          }
          if (res == null || res.getLimits() == null || !res.getLimits().containsKey(r)) {
            problems.add(id + ": no " + r + " limit");
          }
        }
      }
      if (t.getSpec().getInitContainers() != null && !t.getSpec().getInitContainers().isEmpty()) {
        problems.add(name + ": init containers are not expected");
      }
    });
    assertThat(problems).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void probesUseTheQuarkusHealthEndpointsAndGrpcHealthForTheGateway(String overlay) {
    Workloads.templates(Rendered.overlay(overlay)).forEach((name, t) -> {
      Container c = t.getSpec().getContainers().get(0);
      assertThat(c.getStartupProbe()).as(name + " startup probe").isNotNull();
      assertThat(c.getReadinessProbe()).as(name + " readiness probe").isNotNull();
      assertThat(c.getLivenessProbe()).as(name + " liveness probe").isNotNull();
      if (name.equals("topic-exporter")) {
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/metrics");
        return;
      }
      assertThat(c.getStartupProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/started");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/live");
      if (name.equals(GATEWAY)) {
        assertThat(c.getReadinessProbe().getGrpc()).as("gateway readiness: grpc.health.v1").isNotNull();
        assertThat(c.getReadinessProbe().getGrpc().getPort()).isEqualTo(8090);
      } else {
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/ready");
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void everyPodIsHardenedExceptTheGatewaysDocumentedSandboxNeeds(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    List<String> problems = new ArrayList<>();
    Workloads.templates(r).forEach((name, t) -> {
      PodSpec pod = t.getSpec();
      List<String> deviations = new ArrayList<>();
      PodSecurityContext psc = Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
      if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())
          || Boolean.TRUE.equals(pod.getHostIPC())) {
        problems.add(name + ": host namespaces");
      }
      if (pod.getVolumes().stream().anyMatch(v -> v.getHostPath() != null)) {
        problems.add(name + ": hostPath volume");
      }
      if (Boolean.FALSE.equals(pod.getHostUsers())) {
        deviations.add("hostUsers=false");
      }
      for (Container c : pod.getContainers()) {
        SecurityContext sc = c.getSecurityContext();
        if (sc == null) {
          problems.add(name + "/" + c.getName() + ": no securityContext");
          continue;
        }
        Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : psc.getRunAsUser();
        Boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : psc.getRunAsNonRoot();
        if (uid != null && uid == 0) {
          deviations.add("runAsUser=0");
        }
        if (!Boolean.TRUE.equals(nonRoot)) {
          deviations.add("runAsNonRoot=" + nonRoot);
        }
        if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
          problems.add(name + ": allowPrivilegeEscalation is not false");
        }
        if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
          problems.add(name + ": readOnlyRootFilesystem is not true");
        }
        if (Boolean.TRUE.equals(sc.getPrivileged())) {
          problems.add(name + ": privileged");
        }
        Capabilities caps = sc.getCapabilities();
        if (caps == null || !List.of("ALL").equals(caps.getDrop())) {
          problems.add(name + ": capabilities.drop is not [ALL]");
        }
        if (caps != null && caps.getAdd() != null && !caps.getAdd().isEmpty()) {
          deviations.add("capabilities.add=" + caps.getAdd().stream().sorted().toList());
        }
        String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
            : psc.getSeccompProfile() != null ? psc.getSeccompProfile().getType() : null;
        if (!"RuntimeDefault".equals(seccomp)) {
          deviations.add("seccomp=" + seccomp);
        }
        if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
          deviations.add("procMount=" + sc.getProcMount());
        }
      }
      List<String> allowed = name.equals(GATEWAY) ? GATEWAY_EXCEPTION : List.of();
      if (!deviations.stream().sorted().toList().equals(allowed.stream().sorted().toList())) {
        problems.add(name + ": deviations from the hardened profile " + deviations + ", documented " + allowed);
      }
    });
    assertThat(problems).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theNamespaceAuditsAndWarnsAgainstRestricted(String overlay) {
    Map<String, String> labels = Rendered.overlay(overlay).one(Namespace.class, "otc").getMetadata().getLabels();
    assertThat(labels).containsEntry("pod-security.kubernetes.io/audit", "restricted")
        .containsEntry("pod-security.kubernetes.io/warn", "restricted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void theGatewayRunsUnderGvisorInProd(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    String runtime = Workloads.templates(r).get(GATEWAY).getSpec().getRuntimeClassName();
    if (overlay.equals("prod")) {
      assertThat(runtime).isEqualTo("gvisor");
      assertThat(r.one(RuntimeClass.class, "gvisor").getHandler()).isEqualTo("runsc");
    } else {
      assertThat(runtime).isNull();
    }
    Workloads.templates(r).forEach((name, t) -> {
      if (!name.equals(GATEWAY)) {
        assertThat(t.getSpec().getRuntimeClassName()).as(name).isNull();
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void eachWorkloadHasItsOwnServiceAccountWithoutATokenAndADisruptionBudget(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    Workloads.templates(r).forEach((name, t) -> {
      assertThat(t.getSpec().getServiceAccountName()).as(name).isEqualTo(name);
      assertThat(t.getSpec().getAutomountServiceAccountToken()).as(name).isFalse();
      assertThat(r.one(ServiceAccount.class, name).getAutomountServiceAccountToken()).as(name).isFalse();
      assertThat(t.getMetadata().getLabels()).as(name).containsEntry("app.kubernetes.io/name", name)
          .containsEntry("app.kubernetes.io/part-of", "otc");
      if (!name.equals("topic-exporter")) {
        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, name);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", name);
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void grpcPortsAreNamedGrpc(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    for (String svc : List.of(GATEWAY, "reward-service")) {
      ServicePort port = r.one(Service.class, svc).getSpec().getPorts().get(0);
      assertThat(port.getName()).as(svc).isEqualTo("grpc");
      assertThat(Workloads.templates(r).get(svc).getSpec().getContainers().get(0).getPorts())
          .extracting(pp -> pp.getName()).containsExactly("grpc");
    }
    HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class, GATEWAY);
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");
    assertThat(hpa.getSpec().getMetrics()).extracting(m -> m.getType()).containsExactly("Resource", "Pods");
    assertThat(hpa.getSpec().getMetrics().get(1).getPods().getMetric().getName())
        .isEqualTo("otc_gateway_in_flight_calls");
  }
}
