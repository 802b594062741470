package ai.otc.rollout.sampling;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.generation.ToolProtocol;
import ai.otc.world.Question;

/**
 * A task-world question as the generation engine's input: its {@link ToolProtocol} (the world's
 * {@code QuestionKind.Task} has the same two values, mapped by name) and its prompt text, which
 * {@link TaskFormat#prompt} writes, as for the warm start and evaluation ({@code policy-offline}'s {@code WorldTasks}
 * maps the same way; this module does not depend on {@code policy-offline}).
 */
public final class WorldPrompts {
  private WorldPrompts() {}

  /** The tool protocol the question is asked under. */
  public static ToolProtocol protocol(Question q) {
    return ToolProtocol.valueOf(q.kind().task().name());
  }

  /** The prompt text of the question in {@code format}'s conventions. */
  public static String prompt(TaskFormat format, Question q) {
    return format.prompt(protocol(q), q.question());
  }
}
