package ai.otc.world;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A generated task world: entities, corpus and questions with their splits. Immutable; built by
 * {@link WorldGenerator} and written/read by {@link WorldIo}.
 */
public final class World {
  private final WorldConfig config;
  private final List<Entity> entities;
  private final List<Passage> corpus;
  private final List<Question> questions;
  private final Map<String, Entity> byName = new HashMap<>();

  /** Assembles a world; lists are copied and frozen. */
  public World(WorldConfig config, List<Entity> entities, List<Passage> corpus, List<Question> questions) {
    this.config = config;
    this.entities = List.copyOf(entities);
    this.corpus = List.copyOf(corpus);
    this.questions = List.copyOf(questions);
    for (Entity e : this.entities) {
      byName.put(e.name(), e);
    }
  }

  public WorldConfig config() {
    return config;
  }

  public List<Entity> entities() {
    return entities;
  }

  public List<Passage> corpus() {
    return corpus;
  }

  public List<Question> questions() {
    return questions;
  }

  /** The entity with this name, or null. */
  public Entity entity(String name) {
    return byName.get(name);
  }

  /** Questions of one split, in id order. */
  public List<Question> split(Split split) {
    List<Question> out = new ArrayList<>();
    for (Question q : questions) {
      if (q.split().equals(split.label())) {
        out.add(q);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The famous entities: their facts are the policy's parametric knowledge. */
  public List<Entity> famous() {
    return entities.stream().filter(Entity::famous).toList();
  }

  /**
   * Fingerprint of the world's content (config canonical form plus every passage and question), the key under which
   * warm-started policies are cached.
   */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(config.canonical().getBytes(StandardCharsets.UTF_8));
      for (Passage p : corpus) {
        md.update((p.id() + "\t" + p.title() + "\t" + p.text() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (Question q : questions) {
        md.update((q.id() + "\t" + q.question() + "\t" + q.answer() + "\t" + q.kind().label() + "\t" + q.split() + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
