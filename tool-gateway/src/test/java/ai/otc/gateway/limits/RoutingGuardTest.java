package ai.otc.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.TenantRing;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The replica's guard refuses exactly the tenants the contract's {@link TenantRing} (the ring a client
 * routes by; its own tests are in proto) assigns to another replica.
 */
class RoutingGuardTest {
  @Test
  void guardRedirectsTenantsOwnedElsewhere() {
    List<String> members = List.of("gw-0", "gw-1", "gw-2");
    TenantRing ring = new TenantRing(members, 64);
    RoutingGuard g1 = new RoutingGuard(Optional.of("gw-1"), Optional.of(members), 64);
    int own = 0;
    for (int i = 0; i < 300; i++) {
      String t = "tenant-" + i;
      Optional<String> r = g1.redirect(t);
      if (ring.owner(t).equals("gw-1")) {
        assertThat(r).isEmpty();
        own++;
      } else {
        assertThat(r).contains(ring.owner(t));
      }
    }
    assertThat(own).isPositive();
    assertThat(new RoutingGuard(Optional.empty(), Optional.empty(), 64).redirect("any")).isEmpty();
    assertThatThrownBy(() -> new RoutingGuard(Optional.of("gw-9"), Optional.of(members), 64))
        .hasMessageContaining("otc.gateway.replicas.self");
  }
}
