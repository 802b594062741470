package ai.otc.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The pod templates of an overlay's workloads, and each service's effective settings. */
final class Workloads {

  private Workloads() {}

  /** Workload name to its pod template: every StatefulSet and Deployment. */
  static Map<String, PodTemplateSpec> templates(Rendered r) {
    Map<String, PodTemplateSpec> out = new LinkedHashMap<>();
    r.all(StatefulSet.class).forEach(s -> out.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
    r.all(Deployment.class).forEach(d -> out.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
    return out;
  }

  /** The {@code application.properties} of a service's ConfigMap ({@code <service>-config}). */
  static Properties properties(Rendered r, String service) {
    ConfigMap cm = r.one(ConfigMap.class, service + "-config");
    String text = cm.getData().get("application.properties");
    if (text == null) {
      throw new AssertionError("ConfigMap " + service + "-config has no application.properties");
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return p;
  }

  /**
   * A service's setting as the running container sees it: the container's environment variable (SmallRye's name:
   * upper case, dots and dashes as underscores) wins over the mounted {@code application.properties}, as in Quarkus.
   */
  static Optional<String> setting(Rendered r, String service, String key) {
    String env = key.toUpperCase().replace('.', '_').replace('-', '_');
    PodTemplateSpec t = templates(r).get(service);
    Optional<String> fromEnv = t.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(env)).map(EnvVar::getValue).findFirst();
    return fromEnv.isPresent() ? fromEnv : Optional.ofNullable(properties(r, service).getProperty(key));
  }
}
