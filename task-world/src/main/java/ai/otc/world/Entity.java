package ai.otc.world;

import java.util.Map;

/**
 * One entity of the world: a two-syllable name, its attribute values (insertion-ordered), its friend and whether it
 * is famous (all its facts are taught in the warm start, i.e. parametric knowledge).
 */
public record Entity(String id, String name, Map<String, String> attributes, String friend, boolean famous) {
  /** The value of an attribute, or of the {@code friend} relation. */
  public String fact(String relation) {
    if ("friend".equals(relation)) {
      return friend;
    }
    String v = attributes.get(relation);
    if (v == null) {
      throw new IllegalArgumentException("entity " + name + " has no relation " + relation);
    }
    return v;
  }
}
