package ai.otc.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Consistent hashing of tenants onto tool-gateway replicas: the routing a gateway client and the
 * gateway must compute identically.
 *
 * <p>Each tenant is owned by exactly one replica, so its token buckets, budget and idempotency records
 * live in one process and are exact without a shared store on the hot path. A client builds the ring
 * from the same replica names and virtual-node count as the gateways ({@code otc.gateway.replicas.members},
 * {@code otc.gateway.replicas.virtual-nodes}) and calls {@link #owner}; a replica that receives a call
 * for a tenant it does not own refuses it with {@code UNAVAILABLE} and names the owner in the
 * {@link GrpcMetadata#OWNER_REPLICA} trailer. Adding or removing a replica moves only about 1/N of
 * the tenants (virtual nodes spread them evenly).
 *
 * <p>Definition, for other languages: every member {@code m} has points {@code h(m + "#" + v)} for
 * {@code v = 0 .. virtualNodes-1}, where {@code h(s)} is the first 8 bytes of SHA-256 of the UTF-8
 * bytes of {@code s} read as a big-endian signed 64-bit integer; a tenant belongs to the member of the
 * smallest point {@code >= h(tenant)} (signed order), wrapping to the smallest point overall. When two
 * points collide, the member listed later wins.
 */
public final class TenantRing {

  /** The virtual nodes per replica that the gateway uses unless configured otherwise. */
  public static final int DEFAULT_VIRTUAL_NODES = 128;

  private final NavigableMap<Long, String> ring = new TreeMap<>();
  private final List<String> members;

  /**
   * @param members the replica names, at least one
   * @param virtualNodes points per replica, at least 1
   */
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

  /** The replica names, in the order given. */
  public List<String> members() {
    return members;
  }

  /** The ring position of {@code key}: the first 8 bytes of its SHA-256 (UTF-8), big-endian. */
  public static long hash(String key) {
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
