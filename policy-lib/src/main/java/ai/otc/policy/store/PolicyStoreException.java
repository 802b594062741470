package ai.otc.policy.store;

/**
 * A policy store could not deliver or keep a version: it is missing, its bytes do not match its checksum, or the
 * storage failed. A reader (a rollout loading a new version) can log it and keep its current policy.
 */
public final class PolicyStoreException extends RuntimeException {
  public PolicyStoreException(String message) {
    super(message);
  }

  public PolicyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
