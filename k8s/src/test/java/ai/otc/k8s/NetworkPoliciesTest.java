package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.strimzi.api.kafka.model.kafka.Kafka;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NetworkPolicies allow exactly the flows of the table in k8s/README.md ("Network flows"), after a deny-all of
 * every pod in both directions; in-namespace flows are allowed on both ends (egress of the client, ingress of the
 * server; the brokers' ingress is Strimzi's, from the Kafka listener's peers, which must be exactly the pods that
 * have egress to the brokers).
 */
class NetworkPoliciesTest {

  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([^`]+)` \\| (\\d+|all)/(TCP|UDP|ALL) \\|.*$",
      Pattern.MULTILINE);

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void policiesAllowExactlyTheDocumentedFlows(String overlay) throws IOException {
    Rendered r = Rendered.overlay(overlay);
    NetworkPolicy deny = r.one(NetworkPolicy.class, "default-deny-all");
    assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
    assertThat(deny.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
    assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
    assertThat(deny.getSpec().getEgress()).isNullOrEmpty();

    Set<String> documented = documented(overlay);
    Set<String> allowed = new TreeSet<>(ingress(r));
    allowed.addAll(egress(r));
    assertThat(allowed).as("flows the policies allow (left) vs README's table").isEqualTo(documented);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void flowsBetweenOurPodsAreAllowedOnBothEndsAndTheBrokersAcceptExactlyTheirClients(String overlay)
      throws IOException {
    Rendered r = Rendered.overlay(overlay);
    Set<String> flows = documented(overlay);
    Set<String> workloads = Workloads.templates(r).keySet();
    Set<String> ingress = ingress(r);
    Set<String> egress = egress(r);
    for (String f : flows) {
      String[] p = f.split(" ");
      if (workloads.contains(p[0]) && workloads.contains(p[2])) {
        assertThat(ingress).as("ingress of " + p[2]).contains(f);
        assertThat(egress).as("egress of " + p[0]).contains(f);
      }
    }
    Set<String> kafkaClients = flows.stream().filter(f -> f.split(" ")[2].equals("kafka-brokers"))
        .map(f -> f.split(" ")[0]).filter(workloads::contains).collect(Collectors.toCollection(TreeSet::new));
    Set<String> labelled = new TreeSet<>();
    for (Map.Entry<String, PodTemplateSpec> e : Workloads.templates(r).entrySet()) {
      if ("true".equals(e.getValue().getMetadata().getLabels().get("otc.ai/kafka-client"))) {
        labelled.add(e.getKey());
      }
    }
    assertThat(labelled).as("pods labelled otc.ai/kafka-client = pods with egress to the brokers")
        .isEqualTo(kafkaClients);
    Kafka kafka = r.one(Kafka.class, "otc");
    kafka.getSpec().getKafka().getListeners().forEach(l -> assertThat(l.getNetworkPolicyPeers())
        .extracting(peer -> endpoint(peer.getPodSelector(), peer.getNamespaceSelector()))
        .containsExactlyInAnyOrder("otc.ai/kafka-client=true", "ns:keda"));
    assertThat(flows).as("the gateway (and its sandboxes) reach nothing but the brokers and DNS")
        .filteredOn(f -> f.startsWith("tool-gateway -> "))
        .containsExactlyInAnyOrder("tool-gateway -> kafka-brokers " + (overlay.equals("dev") ? 9092 : 9093) + "/TCP");
  }

  private static Set<String> ingress(Rendered r) {
    Set<String> out = new TreeSet<>();
    for (NetworkPolicy np : r.all(NetworkPolicy.class)) {
      String self = endpoint(np.getSpec().getPodSelector(), null);
      np.getSpec().getIngress().forEach(rule -> {
        for (String from : peers(rule.getFrom())) {
          ports(rule.getPorts()).forEach(p -> out.add(from + " -> " + self + " " + p));
        }
      });
    }
    return out;
  }

  private static Set<String> egress(Rendered r) {
    Set<String> out = new TreeSet<>();
    for (NetworkPolicy np : r.all(NetworkPolicy.class)) {
      String self = endpoint(np.getSpec().getPodSelector(), null);
      np.getSpec().getEgress().forEach(rule -> {
        for (String to : peers(rule.getTo())) {
          ports(rule.getPorts()).forEach(p -> out.add(self + " -> " + to + " " + p));
        }
      });
    }
    return out;
  }

  /** The README's table; in dev the brokers' port is the plain listener's 9092 instead of 9093. */
  static Set<String> documented(String overlay) throws IOException {
    String readme = Files.readString(Rendered.k8sDir().resolve("README.md"));
    int start = readme.indexOf("<!-- flows:begin -->");
    int end = readme.indexOf("<!-- flows:end -->");
    assertThat(start).as("README flows table markers").isNotNegative().isLessThan(end);
    Set<String> out = new TreeSet<>();
    Matcher m = ROW.matcher(readme.substring(start, end));
    while (m.find()) {
      String port = m.group(3);
      if (overlay.equals("dev") && m.group(2).equals("kafka-brokers") && port.equals("9093")) {
        port = "9092";
      }
      out.add(m.group(1) + " -> " + m.group(2) + " " + port + "/" + m.group(4));
    }
    assertThat(out).as("rows of the README's flow table").isNotEmpty();
    return out;
  }

  private static List<String> peers(List<NetworkPolicyPeer> peers) {
    if (peers == null || peers.isEmpty()) {
      return List.of("anywhere");
    }
    return peers.stream().map(p -> {
      if (p.getIpBlock() != null) {
        return "ip:" + p.getIpBlock().getCidr();
      }
      return endpoint(p.getPodSelector(), p.getNamespaceSelector());
    }).toList();
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    if (ports == null || ports.isEmpty()) {
      return List.of("all/ALL");
    }
    return ports.stream().map(p -> p.getPort().getIntVal() + "/" + p.getProtocol()).toList();
  }

  /** A readable name for a selector: a workload, the brokers, every pod, a namespace, DNS. */
  static String endpoint(LabelSelector pods, LabelSelector namespaces) {
    Map<String, String> pl = pods == null || pods.getMatchLabels() == null ? Map.of() : pods.getMatchLabels();
    Map<String, String> nl = namespaces == null || namespaces.getMatchLabels() == null ? Map.of()
        : namespaces.getMatchLabels();
    if ((pods != null && pods.getMatchExpressions() != null && !pods.getMatchExpressions().isEmpty())
        || (namespaces != null && namespaces.getMatchExpressions() != null
            && !namespaces.getMatchExpressions().isEmpty())) {
      return "unsupported-selector";
    }
    if (namespaces != null) {
      String ns = nl.get("kubernetes.io/metadata.name");
      if ("kube-system".equals(ns) && "kube-dns".equals(pl.get("k8s-app"))) {
        return "kube-dns";
      }
      return pl.isEmpty() ? "ns:" + ns : "ns:" + ns + "/" + pl;
    }
    if (pl.isEmpty()) {
      return "*";
    }
    if (pl.containsKey("app.kubernetes.io/name") && pl.size() == 1) {
      return pl.get("app.kubernetes.io/name");
    }
    if (pl.equals(Map.of("strimzi.io/cluster", "otc", "strimzi.io/broker-role", "true"))) {
      return "kafka-brokers";
    }
    if (pl.equals(Map.of("strimzi.io/cluster", "otc"))) {
      return "strimzi-pods";
    }
    return pl.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted()
        .collect(Collectors.joining(","));
  }
}
