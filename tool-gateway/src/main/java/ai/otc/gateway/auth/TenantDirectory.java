package ai.otc.gateway.auth;

import ai.otc.contract.GrpcMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Maps credentials to tenants ({@code otc.gateway.auth.*}): bearer tokens and mTLS client-certificate
 * subjects, and decides how the two combine ({@link #authenticate}). Tokens are kept only as SHA-256
 * digests, so a heap dump does not reveal them and the lookup does not leak a token's prefix through
 * timing. Subjects are compared in the canonical form of RFC 2253 ({@link X500Principal#CANONICAL}:
 * attribute order kept, spaces around separators and case ignored), so {@code CN=rollout-a, O=otc} in the
 * config matches the certificate's {@code CN=rollout-a,O=otc}.
 */
public final class TenantDirectory {
  /** Shortest token accepted in config: shorter ones are guessable. */
  public static final int MIN_TOKEN_CHARS = 16;

  private final Map<String, String> tenantByTokenDigest = new HashMap<>();
  private final Map<String, String> tenantByPrincipal = new HashMap<>();

  /**
   * @param tokensByTenant tenant → bearer token
   * @param tenantByPrincipal mTLS subject distinguished name → tenant
   * @throws IllegalArgumentException naming the config key of a short or duplicate token, or of a subject
   *     that is not a distinguished name, maps to no tenant or repeats another subject
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
    for (Map.Entry<String, String> e : tenantByPrincipal.entrySet()) {
      String key = "otc.gateway.auth.mtls-principals.\"" + e.getKey() + "\"";
      String canonical;
      try {
        canonical = new X500Principal(e.getKey()).getName(X500Principal.CANONICAL);
      } catch (IllegalArgumentException notADn) {
        throw new IllegalArgumentException(key + " is not an X.500 distinguished name (e.g. CN=rollout-a,O=otc): " + notADn.getMessage(), notADn);
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        throw new IllegalArgumentException(key + " must name a tenant");
      }
      if (this.tenantByPrincipal.put(canonical, e.getValue().strip()) != null) {
        throw new IllegalArgumentException(key + " is the same subject as another entry of otc.gateway.auth.mtls-principals");
      }
    }
  }

  /** The tenant of an {@code authorization} header value ({@code Bearer <token>}), if any. */
  public Optional<String> byAuthorization(String header) {
    if (header == null || !header.regionMatches(true, 0, GrpcMetadata.BEARER_PREFIX, 0, GrpcMetadata.BEARER_PREFIX.length())) {
      return Optional.empty();
    }
    return Optional.ofNullable(tenantByTokenDigest.get(digest(header.substring(GrpcMetadata.BEARER_PREFIX.length()).strip())));
  }

  /** The tenant of a verified client-certificate subject, if mapped. */
  public Optional<String> byPrincipal(X500Principal subject) {
    return Optional.ofNullable(subject == null ? null : tenantByPrincipal.get(subject.getName(X500Principal.CANONICAL)));
  }

  /**
   * Who a call is. A call that sends an {@code authorization} header is the header's tenant, or refused when
   * the header names none, whatever certificate it came with (a wrong credential is never ignored); the
   * certificate then only admitted the connection. Without the header, the verified client certificate's
   * subject names the tenant, and an unmapped subject is refused. Neither: refused.
   *
   * @param authorization the call's {@code authorization} header, or null
   * @param subject the subject of the verified client certificate of the connection, or null (plain text,
   *     or TLS without a client certificate)
   */
  public Authentication authenticate(String authorization, X500Principal subject) {
    if (authorization != null) {
      return byAuthorization(authorization).map(Authentication::tenant).orElseGet(() -> Authentication.refused("unknown bearer token"));
    }
    if (subject != null) {
      return byPrincipal(subject).map(Authentication::tenant).orElseGet(() -> Authentication.refused(
          "client certificate subject " + subject.getName() + " is not mapped to a tenant"));
    }
    return Authentication.refused("no credential: send authorization: Bearer <token> or a client certificate");
  }

  /** The outcome of {@link #authenticate}: a tenant, or why the call is refused ({@code UNAUTHENTICATED}). */
  public record Authentication(Optional<String> tenantName, String refusal) {
    static Authentication tenant(String tenant) {
      return new Authentication(Optional.of(tenant), null);
    }

    static Authentication refused(String why) {
      return new Authentication(Optional.empty(), why);
    }
  }

  private static String digest(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
