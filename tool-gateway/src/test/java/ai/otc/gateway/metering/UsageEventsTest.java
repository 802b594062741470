package ai.otc.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.gateway.domain.Tool;
import ai.otc.proto.v1.CallContext;
import org.junit.jupiter.api.Test;

/** Usage-event ids: deterministic, readable, and scoped by the caller's tenant. */
class UsageEventsTest {
  private final UsageEvents events = new UsageEvents("/tool-gateway/gw-0", "b00t");

  private static CallContext ctx(String trajectory, int index) {
    return CallContext.newBuilder().setTrajectoryId(trajectory).setCallIndex(index).build();
  }

  @Test
  void twoTenantsWithTheSameTrajectoryAndCallIndexGetDistinctIds() {
    assertThat(events.baseId("alpha", Tool.SEARCH, ctx("traj-1", 3), null)).isEqualTo("alpha/traj-1:3");
    assertThat(events.baseId("beta", Tool.SEARCH, ctx("traj-1", 3), null)).isEqualTo("beta/traj-1:3");
    // the same tenant's same call has the same id (a retry, counted once by a consumer deduping by id)
    assertThat(events.baseId("alpha", Tool.CODE, ctx("traj-1", 3), "any")).isEqualTo("alpha/traj-1:3");
  }

  @Test
  void aTrajectoryIdShapedLikeAnotherTenantsIdCannotReachIt() {
    // "alpha" sending trajectory "beta/traj-1" and "beta" sending "traj-1": the tenant part ends at the first '/'
    assertThat(events.baseId("alpha", Tool.SEARCH, ctx("beta/traj-1", 3), null)).isEqualTo("alpha/beta/traj-1:3");
    // a tenant whose name holds '/' or '%' is encoded, so it cannot pose as a prefix of another's ids
    assertThat(events.baseId("alpha/beta", Tool.SEARCH, ctx("traj-1", 3), null)).isEqualTo("alpha%2Fbeta/traj-1:3");
    assertThat(events.baseId("50%", Tool.SEARCH, ctx("t", 0), null)).isEqualTo("50%25/t:0");
    assertThat(UsageEvents.scope("alpha%2Fbeta")).isEqualTo("alpha%252Fbeta/");
  }

  @Test
  void contextFreeCallsAreScopedToo() {
    assertThat(events.baseId("alpha", Tool.CODE, null, "call-9")).isEqualTo("alpha/code:call-9");
    assertThat(events.baseId("beta", Tool.CODE, null, "call-9")).isEqualTo("beta/code:call-9");
    assertThat(events.baseId("alpha", Tool.SEARCH, null, null)).isEqualTo("alpha//tool-gateway/gw-0:b00t:1");
    assertThat(events.baseId("beta", Tool.SEARCH, ctx("", 0), null)).isEqualTo("beta//tool-gateway/gw-0:b00t:2");
  }

  @Test
  void attemptsKeepTheScopedBase() {
    assertThat(events.attemptId("alpha/traj-1:3", "refused")).isEqualTo("alpha/traj-1:3:refused:b00t-1");
    assertThat(events.attemptId("alpha/traj-1:3", "cancelled")).isEqualTo("alpha/traj-1:3:cancelled:b00t-2");
  }

  @Test
  void aTenantIsRequired() {
    assertThatThrownBy(() -> events.baseId("", Tool.SEARCH, ctx("t", 0), null)).isInstanceOf(IllegalArgumentException.class);
  }
}
