package ai.otc.world;

import java.util.List;

/**
 * One question of the world in the Search-R1 / FlashRAG question shape ({@code id}, {@code question},
 * {@code golden_answers}, {@code data_source}) plus what reports and demonstrations need: its kind, its ground-truth
 * minimal tool-call count, its split, and the structure it was built from.
 *
 * @param subject  the entity asked about (search questions), or the expression (code questions)
 * @param relation the attribute asked (for two-hop: the attribute of the friend), or the operator
 * @param via      for two-hop questions the friend's name (the bridge entity), else null
 */
public record Question(
    String id,
    String question,
    List<String> goldenAnswers,
    String dataSource,
    QuestionKind kind,
    int minCalls,
    String split,
    String subject,
    String relation,
    String via) {

  /** The first golden answer (the world has exactly one per question). */
  public String answer() {
    return goldenAnswers.get(0);
  }
}
