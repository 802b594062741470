package ai.otc.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One overlay of {@code k8s/overlays/}, rendered by {@code kubectl kustomize} and parsed into typed models: Kubernetes
 * kinds into fabric8's {@code kubernetes-model} classes, Strimzi's {@code kafka.strimzi.io} kinds into Strimzi's
 * {@code api} classes. Custom resources without a Java model here (Prometheus Operator's {@code ServiceMonitor} and
 * {@code PodMonitor}, KEDA's {@code ScaledObject} and {@code TriggerAuthentication}) stay
 * {@link GenericKubernetesResource}s and are checked field by field by the tests that use them.
 *
 * <p>{@code kubectl} (1.21 or newer, for kustomize v4+) must be on the PATH or named by {@code -Dotc.k8s.kubectl}:
 * without it the render fails with a message saying so (never a silent skip; k8s/README.md "Tests").
 */
final class Rendered {

  /** Kinds whose model is generic on purpose (no model jar for them in the build). */
  static final List<String> GENERIC_GROUPS = List.of("monitoring.coreos.com", "keda.sh");

  private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private static final KubernetesSerialization K8S = new KubernetesSerialization();
  private static final Map<String, Class<? extends HasMetadata>> STRIMZI = Map.of(
      "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class,
      "KafkaUser", KafkaUser.class);

  final String overlay;
  final String yaml;
  final List<HasMetadata> objects;

  private Rendered(String overlay, String yaml, List<HasMetadata> objects) {
    this.overlay = overlay;
    this.yaml = yaml;
    this.objects = objects;
  }

  /** The folder {@code k8s/} of the checkout. */
  static Path k8sDir() {
    return Path.of(System.getProperty("otc.k8s.dir", ".")).toAbsolutePath().normalize();
  }

  /** The checkout's root folder. */
  static Path repoDir() {
    return Path.of(System.getProperty("otc.repo.dir", "..")).toAbsolutePath().normalize();
  }

  /** The overlay {@code dev} or {@code prod}, rendered once per test JVM. */
  static Rendered overlay(String name) {
    return CACHE.computeIfAbsent(name, Rendered::render);
  }

  private static Rendered render(String name) {
    Path dir = k8sDir().resolve("overlays").resolve(name);
    String kubectl = System.getProperty("otc.k8s.kubectl", "kubectl");
    String text;
    try {
      Path out = Files.createTempFile("otc-k8s-" + name, ".yaml");
      Path err = Files.createTempFile("otc-k8s-" + name, ".err");
      try {
        Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
            .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
          throw new AssertionError("kubectl kustomize " + dir + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
          throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "):\n"
              + Files.readString(err));
        }
        text = Files.readString(out, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run '" + kubectl + " kustomize': kubectl (>= 1.21) is needed to render the "
          + "manifests; install it (e.g. the kubectl package of Kubernetes' apt repository) or point "
          + "-Dotc.k8s.kubectl=/path/to/kubectl at one. See k8s/README.md \"Tests\".", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    }
    return new Rendered(name, text, parse(text));
  }

  /** Every document of a rendered stream, each in its typed model. */
  static List<HasMetadata> parse(String text) {
    List<HasMetadata> out = new ArrayList<>();
    try {
      for (JsonNode node : YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll()) {
        if (node == null || node.isNull() || node.isEmpty()) {
          continue;
        }
        out.add(typed(node));
      }
    } catch (IOException e) {
      throw new AssertionError("rendered YAML does not parse: " + e.getMessage(), e);
    }
    return out;
  }

  private static HasMetadata typed(JsonNode node) throws IOException {
    String apiVersion = node.path("apiVersion").asText();
    String kind = node.path("kind").asText();
    if (apiVersion.startsWith("kafka.strimzi.io/")) {
      Class<? extends HasMetadata> type = STRIMZI.get(kind);
      if (type == null) {
        throw new AssertionError("no Strimzi model for kind " + kind);
      }
      return YAML.treeToValue(node, type);
    }
    KubernetesResource r = K8S.unmarshal(node.toString());
    if (!(r instanceof HasMetadata h)) {
      throw new AssertionError(apiVersion + " " + kind + " parsed into " + r.getClass().getName());
    }
    if (h instanceof GenericKubernetesResource
        && GENERIC_GROUPS.stream().noneMatch(g -> apiVersion.startsWith(g + "/"))) {
      throw new AssertionError(apiVersion + " " + kind + " " + h.getMetadata().getName()
          + " has no typed model: a typo in apiVersion or kind?");
    }
    return h;
  }

  /** Objects of one model class. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The object of a model class with this name. */
  <T extends HasMetadata> T one(Class<T> type, String name) {
    return find(type, name).orElseThrow(() -> new AssertionError(
        overlay + ": no " + type.getSimpleName() + " named " + name));
  }

  /** The object of a model class with this name, if rendered. */
  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  /** Generic resources of a kind (ServiceMonitor, PodMonitor, ScaledObject, TriggerAuthentication). */
  List<GenericKubernetesResource> generic(String kind) {
    return all(GenericKubernetesResource.class).stream().filter(g -> kind.equals(g.getKind())).toList();
  }

  @Override
  public String toString() {
    return "overlay " + overlay;
  }
}
