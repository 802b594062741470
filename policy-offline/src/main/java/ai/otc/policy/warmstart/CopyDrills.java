package ai.otc.policy.warmstart;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.warmstart.Demonstrations.Drill;
import ai.otc.world.Entity;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldGenerator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The copy drills of {@link Demonstrations} ({@link Demonstrations#drill(Drill, Random)} describes each kind): questions
 * about invented people (names of no entity, fresh random attributes on every draw), so that nothing in them can be
 * memorised and the only way to lower their loss is to copy from the context. The copy curriculum
 * ({@link CopyCurriculum}) re-weights them: the kinds through the warm start's shares, the relations asked by reading
 * drills through {@link #readWeights}.
 */
final class CopyDrills {
  private final World world;
  private final TaskFormat format;
  private final WordTokenizer tk;

  /** Names that belong to no entity and no passage of the world: the subjects of copy drills. */
  private final List<String> drillNames;
  /**
   * The names of the world's non-famous entities: the subjects of real-name drills
   * ({@link Demonstrations#drill(Drill, Random, boolean)}).
   */
  private final List<String> realNames;
  /** Reading drills' relation weights, set by the copy curriculum; null = uniform. */
  private volatile Map<String, Double> readWeights;
  /** Expressions the world asks about (code drills avoid them). */
  private final Set<String> mathSubjects = new HashSet<>();

  /**
   * Whether the sums are knowledge ({@code --arithmetic-facts}): then a share of the code drills are
   * {@link #recalledSumDrill}s.
   */
  private final boolean recallSums;

  CopyDrills(World world, TaskFormat format, boolean recallSums) {
    this.recallSums = recallSums;
    this.world = world;
    this.format = format;
    this.tk = format.tokenizer();
    Set<String> used = new HashSet<>();
    world.entities().forEach(e -> used.add(e.name()));
    world.corpus().forEach(p -> used.add(p.title()));
    this.drillNames = WorldGenerator.allNames().stream().filter(n -> !used.contains(n)).toList();
    this.realNames = world.entities().stream().filter(e -> !e.famous()).map(Entity::name).toList();
    world.questions().stream().filter(q -> q.kind().task() == QuestionKind.Task.CODE).forEach(q -> mathSubjects.add(q.subject()));
  }

  /** A copy drill as {@link Demonstrations#drill(Drill, Random, boolean, boolean)}. */
  Example drill(Drill kind, Random rng, boolean realNames, boolean shuffled) {
    return drill(kind, rng, realNames, shuffled, null);
  }

  /** A {@code READ_ONE_HOP} drill about invented people asking {@code relation} (the copy curriculum's probes). */
  Example readDrill(String relation, Random rng) {
    return drill(Drill.READ_ONE_HOP, rng, false, false, relation);
  }

  /**
   * Weights of the relations asked by reading drills ({@link CopyCurriculum}); {@code null}: uniform, drawn as before
   * the curriculum existed. Relations missing from the map weigh 1.
   */
  void readWeights(Map<String, Double> weights) {
    this.readWeights = weights == null ? null : Map.copyOf(weights);
  }

  private String relation(List<String> choices, Random rng, boolean reading) {
    Map<String, Double> w = readWeights;
    if (!reading || w == null) {
      return choices.get(rng.nextInt(choices.size()));
    }
    double total = 0;
    for (String c : choices) {
      total += w.getOrDefault(c, 1.0);
    }
    double u = rng.nextDouble() * total;
    for (String c : choices) {
      u -= w.getOrDefault(c, 1.0);
      if (u < 0) {
        return c;
      }
    }
    return choices.get(choices.size() - 1);
  }

  private Example drill(Drill kind, Random rng, boolean realNames, boolean shuffled, String forcedRelation) {
    if (kind == Drill.CODE) {
      return codeDrill(rng);
    }
    List<String> pool = realNames && this.realNames.size() >= 3 ? this.realNames : drillNames;
    String n = pool.get(rng.nextInt(pool.size()));
    String m = pool.get(rng.nextInt(pool.size()));
    while (m.equals(n)) {
      m = pool.get(rng.nextInt(pool.size()));
    }
    Map<String, String> an = WorldGenerator.randomAttributes(rng);
    Map<String, String> am = WorldGenerator.randomAttributes(rng);
    boolean twoHop = kind != Drill.READ_ONE_HOP && kind != Drill.THINK_ONE_HOP;
    boolean reading = kind == Drill.READ_ONE_HOP || kind == Drill.READ_TWO_HOP || kind == Drill.READ_AFTER_THINK;
    String rel = forcedRelation != null ? forcedRelation
        : relation(twoHop ? WorldGenerator.ATTRIBUTES : WorldGenerator.RELATIONS, rng, reading);
    String v = twoHop ? am.get(rel) : "friend".equals(rel) ? m : an.get(rel);
    String q = twoHop ? WorldGenerator.twoHopText(n, rel) : WorldGenerator.singleHopText(n, rel);
    Demonstrations.Builder b = new Demonstrations.Builder(tk);
    b.context(WordTokenizer.QA + " " + q);
    switch (kind) {
      case READ_ONE_HOP, READ_TWO_HOP -> {
        String pn = shuffled ? shuffledPassage(n, an, m, rng) : WorldGenerator.passageText(n, an, m, world.config(), rng);
        b.context(WordTokenizer.SEARCH);
        b.model(n + " " + WordTokenizer.SEARCH_END);
        b.context(invented(pn, n));
        if (twoHop) {
          String friendOfM = pool.get(rng.nextInt(pool.size()));
          String pm = shuffled ? shuffledPassage(m, am, friendOfM, rng)
              : WorldGenerator.passageText(m, am, friendOfM, world.config(), rng);
          b.model(WordTokenizer.SEARCH + " " + m + " " + WordTokenizer.SEARCH_END);
          b.context(invented(pm, m));
        }
      }
      case THINK_ONE_HOP -> {
        b.context(WordTokenizer.THINK);
        b.model("the " + rel + " of " + n + " is");
        b.context(v);
      }
      case THINK_TWO_HOP -> {
        b.context(WordTokenizer.THINK);
        b.model("the friend of " + n + " is");
        b.context(m);
        b.model(". the " + rel + " of " + m + " is");
        b.context(v);
      }
      case READ_AFTER_THINK -> {
        // the choices (recall the bridge, then search it) are context: drills teach copies, demonstrations decisions
        b.context(WordTokenizer.THINK);
        b.model("the friend of " + n + " is");
        b.context(m + " " + WordTokenizer.THINK_END + " " + WordTokenizer.SEARCH);
        b.model(m + " " + WordTokenizer.SEARCH_END);
        String friendOfM = pool.get(rng.nextInt(pool.size()));
        b.context(invented(WorldGenerator.passageText(m, am, friendOfM, world.config(), rng), m));
      }
      case THINK_AFTER_READ -> {
        b.context(WordTokenizer.SEARCH);
        b.model(n + " " + WordTokenizer.SEARCH_END);
        b.context(invented(WorldGenerator.passageText(n, an, m, world.config(), rng), n));
        b.context(WordTokenizer.THINK);
        b.model("the " + rel + " of " + m + " is");
        b.context(v);
      }
      case CODE -> throw new IllegalStateException("code drills are built above");
    }
    if (kind == Drill.THINK_ONE_HOP || kind == Drill.THINK_TWO_HOP || kind == Drill.THINK_AFTER_READ) {
      b.model(WordTokenizer.THINK_END + " " + Demonstrations.answer(v));
    } else {
      b.model(Demonstrations.answer(v));
    }
    return b.build("drill/" + kind.name().toLowerCase(java.util.Locale.ROOT) + (pool == drillNames ? "" : "/real"));
  }

  /** A passage as {@link WorldGenerator#passageText} writes it, with its relation-value pairs in a random order. */
  private String shuffledPassage(String name, Map<String, String> attrs, String friend, Random rng) {
    List<String> pairs = new ArrayList<>();
    attrs.forEach((k, v) -> pairs.add(k + " " + v));
    pairs.add("friend " + friend);
    java.util.Collections.shuffle(pairs, rng);
    String filler = WorldGenerator.fillerText(world.config(), rng);
    return name + " " + String.join(" ", pairs) + (filler.isEmpty() ? "" : " " + filler);
  }

  /**
   * Share of code drills that sum three operands of 0-6 (results 0-18, drawn by their sum so that each is as frequent:
   * a 19th each, 10 of the 19 one digit): the range of the world's easy answers, whose two-operand questions the drills
   * may not ask. Without them nearly every drilled output had two digits or more, and after the output {@code 4} of a
   * test {@code 2 + 2} the warm start wrote {@code \boxed{ 41 }}; with operands of 1-6 drawn each uniformly (format
   * 9-10) the output {@code 2} was never drilled and {@code 3} only as {@code 1 + 1 + 1}, and those were the wrong
   * {@code easy} answers left (e.g. {@code print ( 1 + 1 )} → {@code 2} → {@code \boxed{ 9 }}, on every seed of
   * world-3 after RL).
   */
  static final double SMALL_SUM_SHARE = 0.5;
  /** The largest operand of a small sum. */
  static final int SMALL_OPERAND_MAX = 6;
  /** The largest small sum (three operands of {@link #SMALL_OPERAND_MAX}). */
  static final int SMALL_SUM_MAX = 3 * SMALL_OPERAND_MAX;

  /**
   * Share of code drills that are {@link #recalledSumDrill}s when the sums are knowledge. With the sums taught but
   * no such drill, the warm start recalled the right sum of a test easy question and then boxed another value
   * ({@code <think> 9 + 4 is 13 </think> \\boxed{ 11 }}) or wrote other operands than the question's ({@code what is
   * 8 + 2 ?} → {@code <think> 2 + 2 is 4}): forced recall of world-3's {@code easy} 0.63, its sums' recall itself right.
   */
  static final double RECALLED_SUM_SHARE = 1.0 / 3;

  private Example codeDrill(Random rng) {
    // (no extra draw without the sums as knowledge: configurations from before the flag keep their random streams)
    if (recallSums && rng.nextDouble() < RECALLED_SUM_SHARE) {
      return recalledSumDrill(rng);
    }
    String expr;
    long value;
    do {
      if (rng.nextDouble() < SMALL_SUM_SHARE) {
        // the sum first, uniform over 0-18, then operands of 0-6 that make it: every output equally often
        int v = rng.nextInt(SMALL_SUM_MAX + 1);
        int a = Math.max(0, v - 2 * SMALL_OPERAND_MAX) + rng.nextInt(Math.min(SMALL_OPERAND_MAX, v) - Math.max(0, v - 2 * SMALL_OPERAND_MAX) + 1);
        int rest = v - a;
        int b = Math.max(0, rest - SMALL_OPERAND_MAX) + rng.nextInt(Math.min(SMALL_OPERAND_MAX, rest) - Math.max(0, rest - SMALL_OPERAND_MAX) + 1);
        int c = rest - b;
        expr = a + " + " + b + " + " + c;
        value = v;
      } else {
        int a = 2 + rng.nextInt(998);
        int c = 2 + rng.nextInt(98);
        boolean mul = rng.nextBoolean();
        expr = a + (mul ? " * " : " + ") + c;
        value = mul ? (long) a * c : a + c;
      }
    } while (mathSubjects.contains(expr));
    Demonstrations.Builder b = new Demonstrations.Builder(tk);
    b.context(WordTokenizer.MATH + " what is " + expr + " ?");
    b.context(WordTokenizer.PYTHON);
    b.model("\nprint ( " + expr + " )\n" + WordTokenizer.FENCE + "\n" + WordTokenizer.OUTPUT);
    b.context(format.codeObservation("print ( " + expr + " )\n"));
    b.model("\n" + Demonstrations.boxed(String.valueOf(value)));
    return b.build("drill/code");
  }

  /**
   * The copies of a minimal-call easy answer, on a sum the world does not ask ({@code A + B} with one operand of 0-9 and
   * the other of 0-99): {@code <math> what is A + B ? <think>} | {@code A + B is} | V | {@code </think> \\boxed{ V }}.
   * The operands are copied from the question into the recall statement and V out of it into the box; V itself is
   * context, as a drill's invented value is (the model cannot compute it, and the sums it must know are taught as
   * facts).
   */
  private Example recalledSumDrill(Random rng) {
    String expr;
    int value;
    do {
      int a = rng.nextInt(100);
      int b = rng.nextInt(10);
      if (rng.nextBoolean()) {
        int t = a;
        a = b;
        b = t;
      }
      expr = a + " + " + b;
      value = a + b;
    } while (mathSubjects.contains(expr));
    Demonstrations.Builder b = new Demonstrations.Builder(tk);
    b.context(WordTokenizer.MATH + " what is " + expr + " ?");
    b.context(WordTokenizer.THINK);
    b.model(expr + " is");
    b.context(String.valueOf(value));
    b.model(WordTokenizer.THINK_END + " " + Demonstrations.boxed(String.valueOf(value)));
    return b.build("drill/code-recall");
  }

  /**
   * The observation a search for an invented person would return: the invented passage first, then (top-k above 1)
   * what the real tools rank next for the query.
   */
  private String invented(String passage, String query) {
    List<String> texts = new ArrayList<>();
    texts.add(passage);
    if (format.topK() > 1) {
      format.tools().search(query, format.topK() - 1).forEach(h -> texts.add(h.text()));
    }
    return " " + tk.observationOpen() + " " + String.join(" ; ", texts) + " " + tk.observationClose();
  }
}
