package ai.otc.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Routing by tenant: every tenant has exactly one owner, spread evenly, scaling moves few tenants,
 * and the ring is the one its written definition gives (expected values from an independent Python
 * implementation of the class comment's definition, {@code hashlib.sha256}).
 */
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
  void matchesTheDefinitionComputedInPython() {
    // python3: int.from_bytes(hashlib.sha256(s.encode()).digest()[:8], 'big'), as signed 64-bit
    assertThat(TenantRing.hash("alpha")).isEqualTo(-8154903275597228642L);
    assertThat(TenantRing.hash("gw-0#0")).isEqualTo(-6588781676257718855L);
    TenantRing ring = new TenantRing(List.of("gw-0", "gw-1", "gw-2"), TenantRing.DEFAULT_VIRTUAL_NODES);
    Map<String, String> expected = Map.ofEntries(Map.entry("alpha", "gw-2"), Map.entry("beta", "gw-2"), Map.entry("tight", "gw-0"),
        Map.entry("tenant-0", "gw-2"), Map.entry("tenant-1", "gw-1"), Map.entry("tenant-2", "gw-1"), Map.entry("tenant-3", "gw-2"),
        Map.entry("tenant-4", "gw-0"), Map.entry("tenant-5", "gw-0"), Map.entry("rollout-a", "gw-0"), Map.entry("rollout-b", "gw-0"));
    expected.forEach((tenant, owner) -> assertThat(ring.owner(tenant)).as(tenant).isEqualTo(owner));
  }

  @Test
  void badRingsAreRefused() {
    assertThatThrownBy(() -> new TenantRing(List.of(), 8)).hasMessageContaining("at least one replica");
    assertThatThrownBy(() -> new TenantRing(List.of("a"), 0)).hasMessageContaining("virtualNodes");
  }
}
