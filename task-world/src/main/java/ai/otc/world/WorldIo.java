package ai.otc.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a world as JSON Lines in the shapes Search-R1 / FlashRAG users know, and reads it back.
 *
 * <ul>
 *   <li>{@code corpus.jsonl}: {@code id}, {@code title}, {@code text}, {@code contents} (FlashRAG: quoted title, newline, text)</li>
 *   <li>{@code train.jsonl}, {@code dev.jsonl}, {@code test.jsonl}: {@code id}, {@code question}, {@code golden_answers},
 *       {@code data_source}, plus {@code kind}, {@code min_calls} and {@code metadata}</li>
 *   <li>{@code entities.jsonl}: the ground truth (attributes, friend, famous)</li>
 *   <li>{@code world.json}: the config, the fingerprint and counts per split and kind</li>
 * </ul>
 */
public final class WorldIo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WorldIo() {}

  /** Writes all files into {@code dir} (created if needed); the bytes depend only on the world. */
  public static void write(World world, Path dir) {
    try {
      Files.createDirectories(dir);
      try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
        for (Passage p : world.corpus()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", p.id());
          m.put("title", p.title());
          m.put("text", p.text());
          m.put("contents", p.contents());
          line(w, m);
        }
      }
      try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("entities.jsonl"), StandardCharsets.UTF_8)) {
        for (Entity e : world.entities()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", e.id());
          m.put("name", e.name());
          m.put("attributes", e.attributes());
          m.put("friend", e.friend());
          m.put("famous", e.famous());
          line(w, m);
        }
      }
      for (Split s : Split.values()) {
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(s.label() + ".jsonl"), StandardCharsets.UTF_8)) {
          for (Question q : world.split(s)) {
            line(w, questionJson(q));
          }
        }
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("format", "otc-world");
      meta.put("format_version", WorldConfig.FORMAT_VERSION);
      meta.put("fingerprint", world.fingerprint());
      meta.put("config", JSON.convertValue(world.config(), Map.class));
      Map<String, Object> counts = new LinkedHashMap<>();
      for (Split s : Split.values()) {
        Map<String, Integer> perKind = new LinkedHashMap<>();
        for (QuestionKind k : QuestionKind.values()) {
          perKind.put(k.label(), 0);
        }
        for (Question q : world.split(s)) {
          perKind.merge(q.kind().label(), 1, Integer::sum);
        }
        counts.put(s.label(), perKind);
      }
      meta.put("counts", counts);
      meta.put("passages", world.corpus().size());
      meta.put("entities", world.entities().size());
      Files.writeString(dir.resolve("world.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write world to " + dir, e);
    }
  }

  /** The JSON object of one question (Search-R1 fields first). */
  public static Map<String, Object> questionJson(Question q) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", q.id());
    m.put("question", q.question());
    m.put("golden_answers", q.goldenAnswers());
    m.put("data_source", q.dataSource());
    m.put("kind", q.kind().label());
    m.put("min_calls", q.minCalls());
    m.put("split", q.split());
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("subject", q.subject());
    md.put("relation", q.relation());
    if (q.via() != null) {
      md.put("via", q.via());
    }
    m.put("metadata", md);
    return m;
  }

  /**
   * Reads a world directory written by {@link #write}: regenerates the world from {@code world.json}'s config and
   * checks that the fingerprint matches (so a hand-edited or truncated world is reported, not silently used).
   */
  public static World read(Path dir) {
    Path meta = dir.resolve("world.json");
    if (!Files.isRegularFile(meta)) {
      throw new IllegalArgumentException("not a world directory (no world.json): " + dir);
    }
    try {
      JsonNode root = JSON.readTree(meta.toFile());
      WorldConfig cfg = JSON.treeToValue(root.get("config"), WorldConfig.class);
      World w = WorldGenerator.generate(cfg);
      String fp = root.path("fingerprint").asText();
      if (!fp.equals(w.fingerprint())) {
        throw new IllegalArgumentException("world in " + dir + " has fingerprint " + fp + " but its config regenerates "
            + w.fingerprint() + " (edited files or another generator version); regenerate it with ./otc world");
      }
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + meta, e);
    }
  }

  /** Reads question lines (id, question, golden_answers, data_source, kind...) from any JSONL file of this format. */
  public static List<Map<String, Object>> readJsonl(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(l -> {
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = JSON.readValue(l, LinkedHashMap.class);
          return m;
        } catch (IOException e) {
          throw new UncheckedIOException("bad JSON line in " + file + ": " + l, e);
        }
      }).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void line(BufferedWriter w, Map<String, Object> m) throws IOException {
    w.write(JSON.writeValueAsString(m));
    w.write('\n');
  }
}
