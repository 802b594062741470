package ai.otc.learner.checkpoint;

/** A learner checkpoint cannot be written or read: corrupt, incomplete, or an I/O failure. The message names the path. */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
