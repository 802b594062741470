package ai.otc.cli.tool;

import ai.otc.contract.GrpcMetadata;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A call the gateway (or the channel) did not answer with a result: the gRPC status code, its description, the
 * transport's cause when there is one (connection refused, …), and the trailers a client must read:
 * {@link GrpcMetadata#RETRY_AFTER_MS} and {@link GrpcMetadata#OWNER_REPLICA}.
 *
 * @param retryAfterMs the {@code retry-after-ms} trailer, null when absent (or not a number: then {@code retryAfterRaw})
 */
public record Refusal(Status.Code code, String description, String cause, Long retryAfterMs, String retryAfterRaw,
    String ownerReplica) {

  /** What {@code e} says; nothing of it is dropped. */
  public static Refusal of(StatusRuntimeException e) {
    Status s = e.getStatus();
    Metadata trailers = e.getTrailers();
    String retryRaw = trailers == null ? null : trailers.get(GrpcMetadata.RETRY_AFTER_MS_KEY);
    Long retry = null;
    if (retryRaw != null) {
      try {
        retry = Long.parseLong(retryRaw.trim());
      } catch (NumberFormatException notANumber) {
        retry = null; // shown as sent, in retryAfterRaw
      }
    }
    String owner = trailers == null ? null : trailers.get(GrpcMetadata.OWNER_REPLICA_KEY);
    String cause = s.getCause() == null ? null : causeChain(s.getCause());
    return new Refusal(s.getCode(), s.getDescription(), cause, retry, retryRaw, owner);
  }

  /** The exit code of this outcome. */
  public int exitCode() {
    return ExitCode.of(code);
  }

  /**
   * One line: {@code RESOURCE_EXHAUSTED: <description> (retry-after-ms: 1200)}; the trailers are shown under their
   * names, apart from the description (which may say the same in words).
   */
  public String line() {
    StringBuilder b = new StringBuilder(code.name());
    if (description != null && !description.isBlank()) {
      b.append(": ").append(description.replace('\n', ' '));
    }
    if (cause != null) {
      b.append(" (").append(cause).append(')');
    }
    if (retryAfterRaw != null) {
      b.append(" (").append(GrpcMetadata.RETRY_AFTER_MS).append(": ").append(retryAfterRaw.strip()).append(')');
    }
    if (ownerReplica != null) {
      b.append(" (").append(GrpcMetadata.OWNER_REPLICA).append(": ").append(ownerReplica).append(')');
    }
    return b.toString();
  }

  private static String causeChain(Throwable t) {
    StringBuilder b = new StringBuilder(t.toString());
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      b.append(" <- ").append(c);
      t = c;
    }
    return b.toString().replace('\n', ' ');
  }
}
