package ai.otc.contract;

import io.grpc.Metadata;

/**
 * gRPC metadata keys of the {@code otc.v1.ToolGateway} service that a client sends or must read.
 * The {@code *_KEY} constants are ready for {@link Metadata#get}/{@link Metadata#put}; the names are
 * for other languages.
 */
public final class GrpcMetadata {

  /** Request header with the caller's credential: {@value #BEARER_PREFIX}{@code <token>}. */
  public static final String AUTHORIZATION = "authorization";
  /** Prefix of the {@link #AUTHORIZATION} value. */
  public static final String BEARER_PREFIX = "Bearer ";
  /**
   * Trailer of a refused call ({@code RESOURCE_EXHAUSTED}, or a {@code BatchSearch} whose refused
   * queries are answered in place): milliseconds, decimal, until a retry can succeed (rounded up).
   */
  public static final String RETRY_AFTER_MS = "retry-after-ms";
  /**
   * Trailer of an {@code UNAVAILABLE} answer from a gateway replica that does not own the caller's
   * tenant: the name of the replica that does (see {@link TenantRing}).
   */
  public static final String OWNER_REPLICA = "otc-owner-replica";

  /** {@link #AUTHORIZATION} as a metadata key. */
  public static final Metadata.Key<String> AUTHORIZATION_KEY = Metadata.Key.of(AUTHORIZATION, Metadata.ASCII_STRING_MARSHALLER);
  /** {@link #RETRY_AFTER_MS} as a metadata key. */
  public static final Metadata.Key<String> RETRY_AFTER_MS_KEY = Metadata.Key.of(RETRY_AFTER_MS, Metadata.ASCII_STRING_MARSHALLER);
  /** {@link #OWNER_REPLICA} as a metadata key. */
  public static final Metadata.Key<String> OWNER_REPLICA_KEY = Metadata.Key.of(OWNER_REPLICA, Metadata.ASCII_STRING_MARSHALLER);

  private GrpcMetadata() {}
}
