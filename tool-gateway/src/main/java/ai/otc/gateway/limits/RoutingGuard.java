package ai.otc.gateway.limits;

import ai.otc.contract.TenantRing;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether this replica may serve a tenant: with no replica list configured it owns every
 * tenant; otherwise only the tenants the contract's {@link TenantRing} (the ring clients route by)
 * assigns to it. A refused call gets {@code UNAVAILABLE} and the owner in the
 * {@code otc-owner-replica} trailer ({@code AuthInterceptor}).
 */
public final class RoutingGuard {
  private final String self;
  private final TenantRing ring;

  /**
   * @throws IllegalArgumentException naming {@code otc.gateway.replicas.self} when members are set but
   *     self is missing or not among them
   */
  public RoutingGuard(Optional<String> self, Optional<List<String>> members, int virtualNodes) {
    if (members.isEmpty() || members.get().isEmpty()) {
      this.self = self.orElse("");
      this.ring = null;
      return;
    }
    if (self.isEmpty() || !members.get().contains(self.get())) {
      throw new IllegalArgumentException("otc.gateway.replicas.self (" + self.orElse("<unset>")
          + ") must be one of otc.gateway.replicas.members " + members.get());
    }
    this.self = self.get();
    this.ring = new TenantRing(members.get(), virtualNodes);
  }

  /** The replica that must serve {@code tenant}, or empty when it is this one. */
  public Optional<String> redirect(String tenant) {
    if (ring == null) {
      return Optional.empty();
    }
    String owner = ring.owner(tenant);
    return owner.equals(self) ? Optional.empty() : Optional.of(owner);
  }
}
