package ai.otc.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The seeded world generator. Pure Java (no DJL); the same {@link WorldConfig} always yields the same world, because
 * every random draw comes from one {@link Random} seeded with the config's seed, in a fixed order.
 */
public final class WorldGenerator {
  /** Syllables of entity names (each a token); consonant-vowel, chosen to collide with no template word. */
  static final List<String> SYLLABLES = List.of(
      "ba", "bi", "bu", "da", "di", "du", "ka", "ki", "ko", "ku", "la", "li", "lo", "lu", "ma", "mi", "mo", "mu",
      "na", "ni", "nu", "pa", "pi", "po", "pu", "ra", "ri", "ro", "ru", "sa", "si", "su", "ta", "ti", "tu", "va",
      "vi", "vo", "za", "zi", "zo", "zu");
  /** Attribute names, in passage order. */
  /** The largest operand of an easy question: easy questions add two numbers of 1 to this (the addition table). */
  public static final int EASY_OPERAND_MAX = 9;

  /** Every pair {@code {a, b}} of operands of an easy question, in order (a new, mutable list). */
  public static List<int[]> additionTable() {
    List<int[]> table = new ArrayList<>();
    for (int a = 1; a <= EASY_OPERAND_MAX; a++) {
      for (int b = 1; b <= EASY_OPERAND_MAX; b++) {
        table.add(new int[] {a, b});
      }
    }
    return table;
  }

  public static final List<String> ATTRIBUTES = List.of("city", "year", "color", "job");
  /** Relations asked by single-hop questions: the attributes plus {@code friend}. */
  public static final List<String> RELATIONS = List.of("city", "year", "color", "job", "friend");
  static final List<String> CITIES = List.of("quito", "lima", "oslo", "cairo", "delhi", "paris", "rome", "tokyo",
      "dublin", "lagos", "perth", "hanoi", "kyiv", "seoul", "accra", "doha", "riga", "baku", "minsk", "sofia",
      "tunis", "dakar", "bern", "havana");
  static final List<String> COLORS = List.of("red", "blue", "green", "yellow", "black", "white", "purple", "orange",
      "pink", "brown", "gray", "silver", "gold", "teal");
  static final List<String> JOBS = List.of("baker", "doctor", "farmer", "pilot", "teacher", "painter", "lawyer",
      "sailor", "nurse", "chef", "miner", "singer", "tailor", "judge", "poet", "guard");
  static final List<String> FILLER = List.of("known", "for", "calm", "tall", "quiet", "kind", "old", "young", "and",
      "often", "seen", "near", "river", "market", "hills", "late");
  /** Data sources, one per question family (the columns of the paper-style tables). */
  public static final String SRC_SINGLE = "world_1hop";
  public static final String SRC_MULTI = "world_2hop";
  public static final String SRC_MATH = "world_math";

  private WorldGenerator() {}

  /** Largest number of names (entities plus distractors) the syllable inventory allows. */
  public static int maxEntities() {
    return SYLLABLES.size() * (SYLLABLES.size() - 1);
  }

  /** Every word the generator can emit (the tokenizer's world vocabulary, numbers excluded). */
  public static List<String> vocabularyWords() {
    List<String> w = new ArrayList<>();
    w.addAll(SYLLABLES);
    w.addAll(RELATIONS);
    w.addAll(CITIES);
    w.addAll(COLORS);
    w.addAll(JOBS);
    w.addAll(FILLER);
    w.addAll(List.of("what", "who", "is", "the", "of", "?", "+", "*", "print", "(", ")"));
    return w;
  }

  /** Generates the world described by {@code config} (validated first). */
  public static World generate(WorldConfig config) {
    config.validate();
    Random rng = new Random(config.seed());

    // Names: every ordered pair of distinct syllables, shuffled; entities first, then distractor names.
    List<String> names = new ArrayList<>();
    for (String a : SYLLABLES) {
      for (String b : SYLLABLES) {
        if (!a.equals(b)) {
          names.add(a + " " + b);
        }
      }
    }
    Collections.shuffle(names, rng);
    int n = config.entities();

    // Famous set: a random subset of size round(share * n).
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, rng);
    boolean[] famous = new boolean[n];
    int nFamous = (int) Math.round(config.famousShare() * n);
    for (int i = 0; i < nFamous; i++) {
      famous[order.get(i)] = true;
    }

    // Friends: Sattolo's algorithm gives a single cycle, hence a derangement (nobody is their own friend).
    int[] friend = new int[n];
    for (int i = 0; i < n; i++) {
      friend[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i);
      int t = friend[i];
      friend[i] = friend[j];
      friend[j] = t;
    }

    List<Entity> entities = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entities.add(new Entity("e" + i, names.get(i), randomAttributes(rng), names.get(friend[i]), famous[i]));
    }

    List<Passage> corpus = new ArrayList<>();
    for (Entity e : entities) {
      corpus.add(new Passage("d" + corpus.size(), e.name(), passageText(e.name(), e.attributes(), e.friend(), config, rng)));
    }
    for (int i = 0; i < config.distractors(); i++) {
      String name = names.get(n + i);
      String fr = names.get(rng.nextInt(n));
      corpus.add(new Passage("d" + corpus.size(), name, passageText(name, randomAttributes(rng), fr, config, rng)));
    }

    // Questions, grouped by kind so that splits are stratified.
    Map<QuestionKind, List<Question>> byKind = new EnumMap<>(QuestionKind.class);
    for (QuestionKind k : QuestionKind.values()) {
      byKind.put(k, new ArrayList<>());
    }
    for (Entity e : entities) {
      for (String rel : RELATIONS) {
        if (rng.nextDouble() >= config.singleHopShare()) {
          continue;
        }
        QuestionKind k = e.famous() ? QuestionKind.P1 : QuestionKind.N1;
        String text = singleHopText(e.name(), rel);
        byKind.get(k).add(new Question(null, text, List.of(e.fact(rel)), SRC_SINGLE, k, k.minCalls(), null, e.name(), rel, null));
      }
    }
    Map<String, Entity> byName = new LinkedHashMap<>();
    for (Entity e : entities) {
      byName.put(e.name(), e);
    }
    for (Entity e : entities) {
      Entity f = byName.get(e.friend());
      for (String rel : ATTRIBUTES) {
        if (rng.nextDouble() >= config.twoHopShare()) {
          continue;
        }
        int unknown = (e.famous() ? 0 : 1) + (f.famous() ? 0 : 1);
        QuestionKind k = unknown == 0 ? QuestionKind.H2_0 : unknown == 1 ? QuestionKind.H2_1 : QuestionKind.H2_2;
        String text = twoHopText(e.name(), rel);
        byKind.get(k).add(new Question(null, text, List.of(f.fact(rel)), SRC_MULTI, k, k.minCalls(), null, e.name(), rel, f.name()));
      }
    }
    List<int[]> easy = additionTable();
    Collections.shuffle(easy, rng);
    for (int[] ab : easy.subList(0, config.easyArith())) {
      String expr = ab[0] + " + " + ab[1];
      byKind.get(QuestionKind.EASY).add(new Question(null, "what is " + expr + " ?", List.of(String.valueOf(ab[0] + ab[1])),
          SRC_MATH, QuestionKind.EASY, 0, null, expr, "+", null));
    }
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    while (byKind.get(QuestionKind.HARD).size() < config.hardArith()) {
      int a = 12 + rng.nextInt(88);
      int b = 12 + rng.nextInt(88);
      if (!seen.add(a * 100 + b)) {
        continue;
      }
      String expr = a + " * " + b;
      byKind.get(QuestionKind.HARD).add(new Question(null, "what is " + expr + " ?", List.of(String.valueOf(a * b)),
          SRC_MATH, QuestionKind.HARD, 1, null, expr, "*", null));
    }

    // Stratified splits: per kind, shuffle, first test share -> test, next dev share -> dev, rest train.
    List<Question> all = new ArrayList<>();
    for (QuestionKind k : QuestionKind.values()) {
      List<Question> qs = byKind.get(k);
      Collections.shuffle(qs, rng);
      int nTest = (int) Math.round(config.testShare() * qs.size());
      int nDev = (int) Math.round(config.devShare() * qs.size());
      for (int i = 0; i < qs.size(); i++) {
        String split = i < nTest ? "test" : i < nTest + nDev ? "dev" : "train";
        Question q = qs.get(i);
        all.add(new Question(String.format("%s-%s-%04d", k.label(), split, i), q.question(), q.goldenAnswers(), q.dataSource(),
            q.kind(), q.minCalls(), split, q.subject(), q.relation(), q.via()));
      }
    }
    all.sort(java.util.Comparator.comparing(Question::id));
    return new World(config, entities, corpus, all);
  }

  /** The single-hop question about relation {@code rel} of {@code name}. */
  public static String singleHopText(String name, String rel) {
    return "friend".equals(rel) ? "who is the friend of " + name + " ?" : "what is the " + rel + " of " + name + " ?";
  }

  /** The two-hop question about attribute {@code rel} of the friend of {@code name}. */
  public static String twoHopText(String name, String rel) {
    return "what is the " + rel + " of the friend of " + name + " ?";
  }

  /** Every name the syllable inventory allows (ordered pairs of distinct syllables), in a fixed order. */
  public static List<String> allNames() {
    List<String> names = new ArrayList<>();
    for (String a : SYLLABLES) {
      for (String b : SYLLABLES) {
        if (!a.equals(b)) {
          names.add(a + " " + b);
        }
      }
    }
    return names;
  }

  /** Random attribute values (city, year, color, job), drawn as the generator draws them. */
  public static Map<String, String> randomAttributes(Random rng) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("city", CITIES.get(rng.nextInt(CITIES.size())));
    a.put("year", String.valueOf(1800 + rng.nextInt(200)));
    a.put("color", COLORS.get(rng.nextInt(COLORS.size())));
    a.put("job", JOBS.get(rng.nextInt(JOBS.size())));
    return a;
  }

  /** {@code NAME city X year Y color Z job W friend NAME2} plus optional filler words. */
  public static String passageText(String name, Map<String, String> attrs, String friend, WorldConfig config, Random rng) {
    StringBuilder sb = new StringBuilder(name);
    for (Map.Entry<String, String> e : attrs.entrySet()) {
      sb.append(' ').append(e.getKey()).append(' ').append(e.getValue());
    }
    sb.append(" friend ").append(friend);
    String filler = fillerText(config, rng);
    if (!filler.isEmpty()) {
      sb.append(' ').append(filler);
    }
    return sb.toString();
  }

  /** The filler words that end a passage ({@code config.fillerWords()} of them, space-separated; empty when none). */
  public static String fillerText(WorldConfig config, Random rng) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < config.fillerWords(); i++) {
      sb.append(i == 0 ? "" : " ").append(FILLER.get(rng.nextInt(FILLER.size())));
    }
    return sb.toString();
  }
}
