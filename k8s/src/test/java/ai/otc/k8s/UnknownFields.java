package ai.otc.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields a typed model did not know. fabric8's and Strimzi's models keep unknown YAML keys in an
 * {@code additionalProperties} map instead of failing, so a misspelt field ({@code readinesProbe},
 * {@code patternTyp}) would parse "fine" and be ignored by the cluster: this walks the object graph and lists the path
 * of every non-empty {@code additionalProperties}.
 */
final class UnknownFields {

  private UnknownFields() {}

  /** Paths such as {@code spec.template.spec.containers[0].readinesProbe} of every unknown field. */
  static List<String> of(Object root) {
    List<String> out = new ArrayList<>();
    walk(root, "", out, new IdentityHashMap<>());
    return out;
  }

  private static void walk(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || o instanceof GenericKubernetesResource || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(e, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        walk(e.getValue(), path + "." + e.getKey(), out, seen);
      }
      return;
    }
    String pkg = o.getClass().getPackageName();
    if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class
          || !(m.getName().startsWith("get") || m.getName().startsWith("is"))) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue;   // derived getters that compute from absent fields
      }
      String name = m.getName().startsWith("get") ? m.getName().substring(3) : m.getName().substring(2);
      if (name.equals("AdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> out.add((path.isEmpty() ? "" : path + ".") + k));
        }
        continue;
      }
      walk(v, path + (path.isEmpty() ? "" : ".") + Character.toLowerCase(name.charAt(0)) + name.substring(1), out,
          seen);
    }
  }
}
