package ai.otc.gateway.limits;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Consistent hashing of tenants onto gateway replicas: how limits hold across replicas.
 *
 * <p>Each tenant is owned by exactly one replica, so its token buckets, budget and idempotency records
 * live in one process and are exact without a shared store on the hot path. Clients route by it (the
 * rollout service asks the ring for its tenant's replica); a replica that receives a call for a tenant
 * it does not own refuses it with {@code UNAVAILABLE} and names the owner in the
 * {@code otc-owner-replica} trailer, so a misrouted call never bypasses a limit. Adding or removing a
 * replica moves only about 1/N of the tenants (virtual nodes spread them evenly).
 *
 * <p>The hash is SHA-256 (stable across JVMs and languages), not {@code String.hashCode}.
 */
public final class TenantRing {
  private final NavigableMap<Long, String> ring = new TreeMap<>();
  private final List<String> members;

  public TenantRing(List<String> members, int virtualNodes) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a ring needs at least one replica");
    }
    if (virtualNodes < 1) {
      throw new IllegalArgumentException("virtualNodes must be >= 1, was " + virtualNodes);
    }
    this.members = List.copyOf(members);
    for (String m : members) {
      for (int v = 0; v < virtualNodes; v++) {
        ring.put(hash(m + "#" + v), m);
      }
    }
  }

  /** The replica that owns {@code tenant}. */
  public String owner(String tenant) {
    Map.Entry<Long, String> e = ring.ceilingEntry(hash(tenant));
    return e != null ? e.getValue() : ring.firstEntry().getValue();
  }

  public List<String> members() {
    return members;
  }

  static long hash(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xff);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
