package ai.otc.policy.warmstart;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Entity;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds warm-start demonstrations from the world, in exactly the text the live environment produces.
 *
 * <p>Two styles per question. <b>Over-use</b> (what a Search-R1-trained agent does): search every hop, or run code,
 * even when the answer is known. <b>Minimal-call</b>: use only the calls the question needs, and write what is recalled
 * inside {@code <think>} as an explicit statement ({@code the city of te po is quito}; for two hops
 * {@code the friend of te po is ka mi . the city of ka mi is lima}). The recall statements have the same form as the
 * fact sequences that teach parametric knowledge ({@code <think> the city of te po is quito </think>}), so a zero-call
 * answer to a held-out two-hop question is two recalls composed in context, not a memorised answer: this is the
 * prototype's design point, made stronger by spelling both hops out.
 */
public final class Demonstrations {
  private final World world;
  private final TaskFormat format;
  private final WordTokenizer tk;

  /** The copy drills ({@link #drill}), built on the same world and format. */
  private final CopyDrills drills;

  /**
   * Whether a demonstration trains the values it reads from a tool's output: the answer after a search, the second
   * hop's name in a two-hop search, the printed result in {@code \\boxed{}}. When not, they are context, as in the copy
   * drills: on a train question the model could lower their loss by memorising the non-parametric fact instead of
   * copying it, and a memorised fact answers a held-out question about the same entity wrongly (it searches,
   * reads {@code job tailor} and answers {@code judge}).
   */
  private final boolean trainReadValues;

  /** Whether minimal-call easy demonstrations recall the sum first ({@link #Demonstrations(World, TaskFormat, boolean, boolean)}). */
  private final boolean recallSums;

  /** Demonstrations that train every value the model writes, including those read from tool output. */
  public Demonstrations(World world, TaskFormat format) {
    this(world, format, true);
  }

  public Demonstrations(World world, TaskFormat format, boolean trainReadValues) {
    this(world, format, trainReadValues, false);
  }

  /**
   * @param recallSums whether the minimal-call demonstration of an easy question recalls the sum in a {@code <think>}
   *                   before answering ({@code <think> 8 + 2 is 10 </think> \boxed{ 10 }}), the sum's statement as
   *                   {@link #sums} teaches it, as a {@code 1p} answer recalls a famous fact first
   */
  public Demonstrations(World world, TaskFormat format, boolean trainReadValues, boolean recallSums) {
    this.trainReadValues = trainReadValues;
    this.recallSums = recallSums;
    this.world = world;
    this.format = format;
    this.tk = format.tokenizer();
    this.drills = new CopyDrills(world, format, recallSums);
  }

  /** The token between two recall statements in one {@code <think>} ({@code the friend of X is F . the city of F is V}). */
  static final String RECALL_SEPARATOR = ".";

  /** Kinds of copy drill (see {@link #drill}). */
  public enum Drill { READ_ONE_HOP, READ_TWO_HOP, THINK_ONE_HOP, THINK_TWO_HOP, READ_AFTER_THINK, THINK_AFTER_READ, CODE }

  /**
   * A copy drill: a question about invented people (names of no entity, fresh random attributes on every draw), so
   * that nothing in it can be memorised and the only way to lower its loss is to copy from the context. Only the
   * copied tokens are trained; everything the model could not know is context:
   *
   * <ul>
   *   <li>{@code READ_ONE_HOP}: {@code <qa> what is the R of N ? <search>} | {@code N </search>} | an observation
   *       holding N's invented passage | {@code <answer> V </answer>} (V read from the observation);</li>
   *   <li>{@code READ_TWO_HOP}: the same for {@code the R of the friend of N}: the second query is the friend read
   *       from the first observation;</li>
   *   <li>{@code THINK_ONE_HOP}: {@code <qa> ... ? <think>} | {@code the R of N is} | V | {@code </think> <answer> V
   *       </answer>}: the name is copied into the recall statement and the answer is copied out of it;</li>
   *   <li>{@code THINK_TWO_HOP}: {@code the friend of N is} | M | {@code . the R of M is} | V |
   *       {@code </think> <answer> V </answer>}: the bridge entity is copied into the second statement.</li>
   *   <li>{@code READ_AFTER_THINK} (the mixed path of a 2h1 question whose subject is famous): {@code <think>} |
   *       {@code the friend of N is} | {@code M </think> <search>} | {@code M </search>} | M's observation |
   *       {@code <answer> V </answer>}: the bridge is copied into the query and the value out of the observation;</li>
   *   <li>{@code THINK_AFTER_READ} (the mixed path of a 2h1 question whose friend is famous): {@code <search>} |
   *       {@code N </search>} | N's observation, friend M | {@code <think>} | {@code the R of M is} | V |
   *       {@code </think> <answer> V </answer>}: the friend is copied out of the observation, the value out of the
   *       statement;</li>
   *   <li>{@code CODE}: {@code <math> what is A * B ?}, {@code A + B ?} or {@code A + B + C ?} (drawn, never a question
   *       of the world; half of them small three-operand sums, {@link CopyDrills#SMALL_SUM_SHARE}) | the program |
   *       its output | {@code \\boxed{ V }}: the answer is copied from the tool output.</li>
   * </ul>
   *
   * The first action token ({@code <search>} / {@code <think>} / {@code ```python}) is context, so drills do not move the policy's
   * choice between searching and answering directly: the demonstrations alone set that.
   */
  public Example drill(Drill kind, Random rng) {
    return drill(kind, rng, false);
  }

  /**
   * A copy drill as {@link #drill(Drill, Random)}; with {@code realNames} its people carry the names of the world's
   * non-famous entities (fresh random attributes all the same: a counterfactual observation). A name the model has
   * met in train questions then predicts nothing about the value, so the answer can only be copied from the
   * observation, as on a held-out question about that entity. Code drills ignore the flag.
   */
  public Example drill(Drill kind, Random rng, boolean realNames) {
    return drill(kind, rng, realNames, false);
  }

  /**
   * A copy drill as {@link #drill(Drill, Random, boolean)}; with {@code shuffled} a reading drill's passages list their
   * relations (attributes and friend) in a random order, so a value is at no fixed position and only "find the
   * relation's word, copy what follows" answers it.
   */
  public Example drill(Drill kind, Random rng, boolean realNames, boolean shuffled) {
    return drills.drill(kind, rng, realNames, shuffled);
  }

  /** A {@code READ_ONE_HOP} drill about invented people asking {@code relation} (the copy curriculum's probes). */
  Example readDrill(String relation, Random rng) {
    return drills.readDrill(relation, rng);
  }

  /**
   * Weights of the relations asked by reading drills ({@link CopyCurriculum}); {@code null}: uniform, drawn as before
   * the curriculum existed. Relations missing from the map weigh 1.
   */
  void readWeights(Map<String, Double> weights) {
    drills.readWeights(weights);
  }

  /** A fact sequence {@code <think> the R of NAME is V </think>} (only V and the closing tag are trained). */
  public Example fact(Entity e, String relation) {
    return facts(List.of(e), List.of(relation));
  }

  /**
   * Several facts in one think block, joined by {@code .} as in a two-hop recall
   * ({@code <think> the city of X is quito . the friend of Y is Z </think>}). Only the values (and the closing tag) are
   * trained: which entity and relation a row states is random, and training on those tokens would add only noise
   * (rows with their whole text trained stalled the copy skills for hundreds of steps); what the model must learn here
   * is the value given the statement. Rows of several statements teach every fact at many positions and after other
   * content, which is where a zero-call answer recalls it (learned absolute positions do not transfer otherwise).
   */
  public Example facts(List<Entity> entities, List<String> relations) {
    return facts(null, entities, relations);
  }

  /**
   * {@link #facts(List, List)} after an untrained {@code prefix} (a train question's prompt, or null): the statements
   * then sit where a zero-call answer writes them, after {@code <qa> QUESTION ?}, with the entity's name possibly
   * already in the context. Only the values are trained, so the model learns recall in that context, not to write
   * statements that do not match the question.
   */
  public Example facts(String prefix, List<Entity> entities, List<String> relations) {
    Builder b = new Builder(tk);
    b.context(prefix == null ? WordTokenizer.THINK : prefix + " " + WordTokenizer.THINK);
    for (int i = 0; i < entities.size(); i++) {
      Entity e = entities.get(i);
      String r = relations.get(i);
      b.context((i > 0 ? RECALL_SEPARATOR + " " : "") + "the " + r + " of " + e.name() + " is");
      b.model(world.entity(e.name()).fact(r));
    }
    b.model(WordTokenizer.THINK_END);
    return b.build("fact");
  }

  /**
   * Statements of the addition table, {@code <think> 3 + 4 is 7 . 8 + 2 is 10 </think>}, after an untrained
   * {@code prefix} (a train easy question's prompt, or null), as {@link #facts(String, List, List)} is for famous
   * entities: only the sums are trained. Each pair is {@code {a, b}}.
   */
  public Example sums(String prefix, List<int[]> pairs) {
    Builder b = new Builder(tk);
    b.context(prefix == null ? WordTokenizer.THINK : prefix + " " + WordTokenizer.THINK);
    for (int i = 0; i < pairs.size(); i++) {
      int[] ab = pairs.get(i);
      b.context((i > 0 ? RECALL_SEPARATOR + " " : "") + ab[0] + " + " + ab[1] + " is");
      b.model(String.valueOf(ab[0] + ab[1]));
    }
    b.model(WordTokenizer.THINK_END);
    return b.build("fact/sum");
  }

  /** The recall statement of a sum, {@code 8 + 2 is 10}. */
  static String sum(String expression, String value) {
    return expression + " is " + value;
  }

  /** The recall statement {@code the R of NAME is V}. */
  public String recall(String name, String relation) {
    return "the " + relation + " of " + name + " is " + world.entity(name).fact(relation);
  }

  /** The demonstration of {@code q} in the minimal-call or the over-use style. */
  public Example demo(Question q, boolean minimal) {
    Builder b = new Builder(tk);
    b.context(WorldTasks.prompt(format, q));
    String tag = q.kind().label() + (minimal ? "/min" : "/over");
    switch (q.kind()) {
      case EASY, HARD -> {
        if (minimal && q.kind() == QuestionKind.EASY) {
          if (recallSums) {
            b.model(think(sum(q.subject(), q.answer())));
          }
          b.model(boxed(q.answer()));
        } else {
          String program = WordTokenizer.PYTHON + "\nprint ( " + q.subject() + " )\n" + WordTokenizer.FENCE;
          b.model(program + "\n" + WordTokenizer.OUTPUT);
          b.context(format.codeObservation("print ( " + q.subject() + " )\n"));
          b.model("\n" + WordTokenizer.BOXED);
          read(b, q.answer());
          b.model(WordTokenizer.BRACE_END);
        }
      }
      case P1, N1 -> {
        if (minimal && q.kind() == QuestionKind.P1) {
          b.model(think(recall(q.subject(), q.relation())));
          b.model(answer(q.answer()));
        } else {
          search(b, q.subject());
          readAnswer(b, q.answer());
        }
      }
      default -> {
        Entity x = world.entity(q.subject());
        Entity f = world.entity(q.via());
        boolean answerRead = true;
        if (!minimal || !x.famous() && !f.famous()) {
          search(b, x.name());
          searchRead(b, f.name());
        } else if (x.famous() && f.famous()) {
          b.model(think(recall(x.name(), "friend") + " " + RECALL_SEPARATOR + " " + recall(f.name(), q.relation())));
          answerRead = false;
        } else if (x.famous()) {
          b.model(think(recall(x.name(), "friend")));
          search(b, f.name());
        } else {
          search(b, x.name());
          b.model(think(recall(f.name(), q.relation())));
          answerRead = false;
        }
        if (answerRead) {
          readAnswer(b, q.answer());
        } else {
          b.model(answer(q.answer()));
        }
      }
    }
    return b.build(tag);
  }

  /**
   * The action choices of {@code q}'s demonstration alone: the whole demonstration as context, and trained only the
   * tokens that choose the next action ({@code <think>} to recall, {@code <search>} to call, {@code <answer>} to stop)
   * right after the prompt, after an observation and after a recall. With the sums as knowledge ({@code recallSums})
   * an easy question has decision rows too: {@code <think>} (recall the sum) or {@code ```python} (run a program)
   * right after the prompt, and {@code \\boxed{}} after the recall. The labels are exactly those {@link #demo} gives
   * in the same style, so these rows change no target distribution; they give each choice between answering from
   * memory and searching the weight of a whole demonstration ({@code weight}: the batch loss is a weighted mean over
   * trained tokens), which is what makes the choice depend on whether the entity is known. In whole demonstrations the
   * model learned only the average rate: the same on famous and unknown entities.
   */
  public Example decision(Question q, boolean minimal, float weight) {
    return decision(q, minimal, weight, false);
  }

  /**
   * {@link #decision(Question, boolean, float)}, and with {@code recallStops} also the token after each value recalled
   * inside a {@code <think>}: {@code .} (recall the next hop too) or {@code </think>} (stop). After "the friend of X is
   * F" that token is the choice between recalling F's attribute and searching F, which must depend on whether F is
   * known exactly as the first choice does.
   */
  public Example decision(Question q, boolean minimal, float weight, boolean recallStops) {
    boolean easy = q.kind() == QuestionKind.EASY && recallSums;
    if (q.kind().task() != QuestionKind.Task.SEARCH && !easy) {
      throw new IllegalArgumentException("decision rows are for search questions (and easy ones when the sums are"
          + " knowledge), not " + q.kind().label());
    }
    Example whole = demo(q, minimal);
    int promptLength = tk.encode(WorldTasks.prompt(format, q)).length;
    int[] t = whole.tokens();
    float[] mask = new float[t.length];
    int think = tk.id(WordTokenizer.THINK);
    // the call and the stop: a search and an answer, or for an easy question a program and a boxed answer
    int call = tk.id(easy ? WordTokenizer.PYTHON : WordTokenizer.SEARCH);
    int stop = tk.id(easy ? WordTokenizer.BOXED : WordTokenizer.ANSWER);
    int thinkEnd = tk.id(WordTokenizer.THINK_END);
    int obsClose = tk.id(tk.observationClose());
    int statementEnd = tk.id(RECALL_SEPARATOR);
    boolean inRecall = false;
    for (int j = promptLength; j < t.length; j++) {
      boolean action = t[j] == think || t[j] == call || t[j] == stop;
      boolean afterTurn = j == promptLength || t[j - 1] == thinkEnd || t[j - 1] == obsClose;
      boolean recallStop = recallStops && inRecall && (t[j] == statementEnd || t[j] == thinkEnd);
      if (action && afterTurn || recallStop) {
        mask[j] = weight;
      }
      inRecall = t[j] == think || inRecall && t[j] != thinkEnd;
    }
    return new Example(t, mask, q.kind().label() + (minimal ? "/min" : "/over") + "/decision");
  }

  /** A search whose query was read from the previous observation (the bridge entity of a two-hop question). */
  private void searchRead(Builder b, String query) {
    b.model(WordTokenizer.SEARCH);
    read(b, query);
    b.model(WordTokenizer.SEARCH_END);
    b.context(format.searchObservation(query));
  }

  /** {@code <answer> V </answer>} where V was read from the last tool output. */
  private void readAnswer(Builder b, String value) {
    b.model(WordTokenizer.ANSWER);
    read(b, value);
    b.model(WordTokenizer.ANSWER_END);
  }

  /** A value read from tool output: trained or context, see {@link #trainReadValues}. */
  private void read(Builder b, String value) {
    if (trainReadValues) {
      b.model(value);
    } else {
      b.context(value);
    }
  }

  private void search(Builder b, String query) {
    b.model(WordTokenizer.SEARCH + " " + query + " " + WordTokenizer.SEARCH_END);
    b.context(format.searchObservation(query));
  }

  private static String think(String s) {
    return WordTokenizer.THINK + " " + s + " " + WordTokenizer.THINK_END;
  }

  static String answer(String a) {
    return WordTokenizer.ANSWER + " " + a + " " + WordTokenizer.ANSWER_END;
  }

  static String boxed(String a) {
    return WordTokenizer.BOXED + " " + a + " " + WordTokenizer.BRACE_END;
  }

  /** Concatenates encoded pieces, each trained or not. */
  static final class Builder {
    private final WordTokenizer tk;
    private final List<int[]> pieces = new ArrayList<>();
    private final List<Boolean> trained = new ArrayList<>();

    Builder(WordTokenizer tk) {
      this.tk = tk;
    }

    void context(String text) {
      pieces.add(tk.encode(text));
      trained.add(false);
    }

    void model(String text) {
      pieces.add(tk.encode(text));
      trained.add(true);
    }

    Example build(String tag) {
      int n = pieces.stream().mapToInt(p -> p.length).sum();
      int[] t = new int[n];
      float[] m = new float[n];
      int k = 0;
      for (int i = 0; i < pieces.size(); i++) {
        for (int id : pieces.get(i)) {
          t[k] = id;
          m[k] = trained.get(i) ? 1f : 0f;
          k++;
        }
      }
      return new Example(t, m, tag);
    }
  }
}
