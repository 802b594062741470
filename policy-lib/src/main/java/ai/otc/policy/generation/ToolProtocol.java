package ai.otc.policy.generation;

/**
 * Which tool protocol a rollout row follows: the search protocol (OTC.md §3.2, prompt token {@code <qa>}) or the code
 * protocol (§3.4, prompt token {@code <math>}). The generation engine's own name for a task, so that it needs no task
 * world: a caller maps its questions onto it (the task world's {@code QuestionKind.Task} has the same two values).
 */
public enum ToolProtocol {
  /** Search-R1 style: {@code <search>}, observations, {@code <answer>}. */
  SEARCH,
  /** ToRL style: python blocks, {@code ```output}, {@code \boxed{}}. */
  CODE
}
