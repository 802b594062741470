package ai.otc.k8s;

import java.util.List;
import java.util.Map;

/** Typed views of the untyped maps and lists of generic resources and parsed properties. */
final class Yamls {

  private Yamls() {}

  /** The value as a map, or an assertion error naming what it was. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    if (o instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new AssertionError("expected a map, found " + o);
  }

  /** The value as a list, or an assertion error naming what it was. */
  static List<?> list(Object o) {
    if (o instanceof List<?> l) {
      return l;
    }
    throw new AssertionError("expected a list, found " + o);
  }
}
