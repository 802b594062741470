package ai.otc.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Routing by tenant: every tenant has exactly one owner, spread evenly, and scaling moves few tenants. */
class TenantRingTest {
  @Test
  void spreadsTenantsEvenlyAndIsStable() {
    TenantRing ring = new TenantRing(List.of("gw-0", "gw-1", "gw-2"), 128);
    Map<String, Integer> load = new HashMap<>();
    for (int i = 0; i < 30_000; i++) {
      load.merge(ring.owner("tenant-" + i), 1, Integer::sum);
    }
    assertThat(load).hasSize(3);
    assertThat(load.values()).allSatisfy(n -> assertThat(n).isBetween(8_000, 12_000));
    TenantRing again = new TenantRing(List.of("gw-2", "gw-0", "gw-1"), 128);
    for (int i = 0; i < 1000; i++) {
      assertThat(again.owner("tenant-" + i)).isEqualTo(ring.owner("tenant-" + i));
    }
  }

  @Test
  void addingAReplicaMovesOnlyAboutItsShare() {
    TenantRing three = new TenantRing(List.of("gw-0", "gw-1", "gw-2"), 128);
    TenantRing four = new TenantRing(List.of("gw-0", "gw-1", "gw-2", "gw-3"), 128);
    int moved = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      String a = three.owner("tenant-" + i);
      String b = four.owner("tenant-" + i);
      if (!a.equals(b)) {
        moved++;
        assertThat(b).as("a moved tenant goes to the new replica only").isEqualTo("gw-3");
      }
    }
    assertThat(moved / (double) n).isBetween(0.15, 0.35);
  }

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
