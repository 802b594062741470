package ai.otc.world;

/**
 * The kind of a world question, named as in the prototype's tables: the kind fixes the ground-truth minimal number
 * of tool calls given what the warm start taught (famous entities' facts are parametric, the rest live only in the
 * corpus; easy arithmetic is done by heart, hard arithmetic needs the code tool).
 */
public enum QuestionKind {
  /** Single-hop fact about a famous entity: answerable from memory, 0 calls. */
  P1("1p", Task.SEARCH, 0),
  /** Single-hop fact about an entity that lives only in the corpus: 1 search. */
  N1("1n", Task.SEARCH, 1),
  /** Attribute of the friend, both entities famous: 0 calls. */
  H2_0("2h0", Task.SEARCH, 0),
  /** Attribute of the friend, exactly one of the two entities famous: 1 search. */
  H2_1("2h1", Task.SEARCH, 1),
  /** Attribute of the friend, neither entity famous: 2 searches. */
  H2_2("2h2", Task.SEARCH, 2),
  /** One-digit addition: done by heart, 0 code calls. */
  EASY("easy", Task.CODE, 0),
  /** Two-digit multiplication: needs the code tool, 1 call. */
  HARD("hard", Task.CODE, 1);

  /** Which tool protocol a question is asked under. */
  public enum Task { SEARCH, CODE }

  private final String label;
  private final Task task;
  private final int minCalls;

  QuestionKind(String label, Task task, int minCalls) {
    this.label = label;
    this.task = task;
    this.minCalls = minCalls;
  }

  /** Short label used in files and tables ("1p", "2h1", "easy", ...). */
  public String label() {
    return label;
  }

  /** Search or code protocol. */
  public Task task() {
    return task;
  }

  /** Ground-truth minimal tool-call count for a question of this kind. */
  public int minCalls() {
    return minCalls;
  }

  /** True when the answer is reachable from parametric knowledge alone. */
  public boolean directlyAnswerable() {
    return minCalls == 0;
  }

  /** Parses a label such as "2h0"; throws with the list of labels on bad input. */
  public static QuestionKind fromLabel(String label) {
    for (QuestionKind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown question kind '" + label + "' (expected one of 1p, 1n, 2h0, 2h1, 2h2, easy, hard)");
  }
}
