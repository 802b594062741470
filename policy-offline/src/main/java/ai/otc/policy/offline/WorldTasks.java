package ai.otc.policy.offline;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.generation.ToolProtocol;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.WorldGenerator;

/**
 * Where the task world meets the policy library: the library knows neither questions nor the world's vocabulary, so
 * this maps a world question onto the generation engine's inputs (its {@link ToolProtocol} and prompt text) and builds
 * the tokenizer of a new policy from the world generator's word list. A loaded policy carries its own token list.
 */
public final class WorldTasks {
  private WorldTasks() {}

  /** The tokenizer of a new policy for the task world, with the given observation tag name. */
  public static WordTokenizer tokenizer(String observationTag) {
    return WordTokenizer.forVocabulary(WorldGenerator.vocabularyWords(), observationTag);
  }

  /** The tokenizer of a new policy for the task world, with the OTC paper's {@code <observation>} tag. */
  public static WordTokenizer tokenizer() {
    return tokenizer(WordTokenizer.DEFAULT_OBSERVATION_TAG);
  }

  /** The tool protocol a question of this kind is asked under. */
  public static ToolProtocol protocol(QuestionKind kind) {
    return switch (kind.task()) {
      case SEARCH -> ToolProtocol.SEARCH;
      case CODE -> ToolProtocol.CODE;
    };
  }

  /** The prompt text of a world question in {@code format}'s conventions. */
  public static String prompt(TaskFormat format, Question q) {
    return format.prompt(protocol(q.kind()), q.question());
  }
}
