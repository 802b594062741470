package ai.otc.policy.generation;

/**
 * What the protocol parser made of one model turn (OTC.md §3.2 / §3.4); the names match the contract's
 * {@code otc.v1.TurnAction} values ({@code TURN_ACTION_<NAME>}).
 */
public enum TurnAction {
  /** {@code <search> query </search>}. */
  SEARCH,
  /** {@code <answer> … </answer>} or {@code \boxed{ … }}: the row ends. */
  ANSWER,
  /** A python block followed by {@code ```output}. */
  CODE,
  /** No valid action: the row ends as protocol-invalid. */
  INVALID,
  /** Generation ended without a recognised action ({@code <eos>}, length limit). */
  NONE
}
