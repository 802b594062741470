package ai.otc.policy.tools;

/** Names the tool calls of a generation batch: row and call index to a {@link CallRef} (null: anonymous calls). */
@FunctionalInterface
public interface CallRefs {
  /** No identities: in-process tools and evaluation need none. */
  CallRefs NONE = (row, callIndex) -> null;

  /** The identity of call {@code callIndex} (0-based) of batch row {@code row}, or null. */
  CallRef of(int row, int callIndex);
}
