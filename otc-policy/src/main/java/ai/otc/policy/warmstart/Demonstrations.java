package ai.otc.policy.warmstart;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.world.Entity;
import ai.otc.policy.world.Question;
import ai.otc.policy.world.QuestionKind;
import ai.otc.policy.world.World;
import java.util.ArrayList;
import java.util.List;

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

  public Demonstrations(World world, TaskFormat format) {
    this.world = world;
    this.format = format;
    this.tk = format.tokenizer();
  }

  /** A fact sequence {@code <think> the R of NAME is V </think>} (all tokens after the first trained). */
  public Example fact(Entity e, String relation) {
    return facts(List.of(e), List.of(relation));
  }

  /**
   * Several facts in one think block, joined by {@code .} as in a two-hop recall
   * ({@code <think> the city of X is quito . the friend of Y is Z </think>}): recall is trained both right after
   * {@code <think>} and after a previous statement, which is where the second hop of a zero-call two-hop answer is
   * recalled.
   */
  public Example facts(List<Entity> entities, List<String> relations) {
    Builder b = new Builder();
    b.context(WordTokenizer.THINK);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < entities.size(); i++) {
      if (i > 0) {
        sb.append(" . ");
      }
      sb.append(recall(entities.get(i).name(), relations.get(i)));
    }
    b.model(sb + " " + WordTokenizer.THINK_END);
    return b.build("fact");
  }

  /** The recall statement {@code the R of NAME is V}. */
  public String recall(String name, String relation) {
    return "the " + relation + " of " + name + " is " + world.entity(name).fact(relation);
  }

  /** The demonstration of {@code q} in the minimal-call or the over-use style. */
  public Example demo(Question q, boolean minimal) {
    Builder b = new Builder();
    b.context(format.prompt(q));
    String tag = q.kind().label() + (minimal ? "/min" : "/over");
    switch (q.kind()) {
      case EASY, HARD -> {
        if (minimal && q.kind() == QuestionKind.EASY) {
          b.model(boxed(q.answer()));
        } else {
          String program = WordTokenizer.PYTHON + "\nprint ( " + q.subject() + " )\n" + WordTokenizer.FENCE;
          b.model(program + "\n" + WordTokenizer.OUTPUT);
          b.context(format.codeObservation("print ( " + q.subject() + " )\n"));
          b.model("\n" + boxed(q.answer()));
        }
      }
      case P1, N1 -> {
        if (minimal && q.kind() == QuestionKind.P1) {
          b.model(think(recall(q.subject(), q.relation())));
        } else {
          search(b, q.subject());
        }
        b.model(answer(q.answer()));
      }
      default -> {
        Entity x = world.entity(q.subject());
        Entity f = world.entity(q.via());
        if (!minimal) {
          search(b, x.name());
          search(b, f.name());
        } else {
          if (x.famous() && f.famous()) {
            b.model(think(recall(x.name(), "friend") + " . " + recall(f.name(), q.relation())));
          } else if (x.famous()) {
            b.model(think(recall(x.name(), "friend")));
            search(b, f.name());
          } else if (f.famous()) {
            search(b, x.name());
            b.model(think(recall(f.name(), q.relation())));
          } else {
            search(b, x.name());
            search(b, f.name());
          }
        }
        b.model(answer(q.answer()));
      }
    }
    return b.build(tag);
  }

  private void search(Builder b, String query) {
    b.model(WordTokenizer.SEARCH + " " + query + " " + WordTokenizer.SEARCH_END);
    b.context(format.searchObservation(query));
  }

  private static String think(String s) {
    return WordTokenizer.THINK + " " + s + " " + WordTokenizer.THINK_END;
  }

  private static String answer(String a) {
    return WordTokenizer.ANSWER + " " + a + " " + WordTokenizer.ANSWER_END;
  }

  private static String boxed(String a) {
    return WordTokenizer.BOXED + " " + a + " " + WordTokenizer.BRACE_END;
  }

  /** Concatenates encoded pieces, each trained or not. */
  private final class Builder {
    private final List<int[]> pieces = new ArrayList<>();
    private final List<Boolean> trained = new ArrayList<>();

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
