package ai.otc.policy.tools;

/**
 * One program of a batch.
 *
 * @param program python source
 * @param ref     the call's identity (null: anonymous)
 */
public record CodeCall(String program, CallRef ref) {
  public CodeCall {
    if (program == null) {
      throw new IllegalArgumentException("program must not be null");
    }
  }
}
