package ai.otc.gateway.auth;

import ai.otc.contract.GrpcMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Maps credentials to tenants ({@code otc.gateway.auth.*}): bearer tokens and mTLS principals. Tokens
 * are kept only as SHA-256 digests, so a heap dump does not reveal them and the lookup does not leak a
 * token's prefix through timing.
 */
public final class TenantDirectory {
  /** Shortest token accepted in config: shorter ones are guessable. */
  public static final int MIN_TOKEN_CHARS = 16;

  private final Map<String, String> tenantByTokenDigest = new HashMap<>();
  private final Map<String, String> tenantByPrincipal;

  /**
   * @param tokensByTenant tenant → bearer token
   * @param tenantByPrincipal mTLS subject principal → tenant
   * @throws IllegalArgumentException naming the config key of a short or duplicate token
   */
  public TenantDirectory(Map<String, String> tokensByTenant, Map<String, String> tenantByPrincipal) {
    for (Map.Entry<String, String> e : tokensByTenant.entrySet()) {
      String key = "otc.gateway.auth.tenants." + e.getKey() + ".token";
      if (e.getValue().length() < MIN_TOKEN_CHARS) {
        throw new IllegalArgumentException(key + " must have at least " + MIN_TOKEN_CHARS + " characters");
      }
      if (tenantByTokenDigest.put(digest(e.getValue()), e.getKey()) != null) {
        throw new IllegalArgumentException(key + " is the same token as another tenant's");
      }
    }
    this.tenantByPrincipal = Map.copyOf(tenantByPrincipal);
  }

  /** The tenant of an {@code authorization} header value ({@code Bearer <token>}), if any. */
  public Optional<String> byAuthorization(String header) {
    if (header == null || !header.regionMatches(true, 0, GrpcMetadata.BEARER_PREFIX, 0, GrpcMetadata.BEARER_PREFIX.length())) {
      return Optional.empty();
    }
    return Optional.ofNullable(tenantByTokenDigest.get(digest(header.substring(7).strip())));
  }

  /** The tenant of a verified mTLS peer principal, if mapped. */
  public Optional<String> byPrincipal(String principal) {
    return Optional.ofNullable(principal == null ? null : tenantByPrincipal.get(principal));
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
