package ai.otc.rollout.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tools.CallStatus;
import org.junit.jupiter.api.Test;

class GatewayStatsTest {
  @Test
  void countsCallsRetriesLatencyAndCacheHits() {
    GatewayStats s = new GatewayStats();
    s.recordCall(GatewayStats.SEARCH, CallStatus.OK, 2.0, true);
    s.recordCall(GatewayStats.SEARCH, CallStatus.OK, 4.0, false);
    s.recordCall(GatewayStats.CODE, CallStatus.ERROR, 30.0, false);
    s.recordCall(GatewayStats.SEARCH, CallStatus.UNAVAILABLE, 100.0, false);
    s.recordRetry(true, 5_000_000);
    s.recordRetry(false, 1_000_000);
    s.recordRpc();
    GatewayStats.Snapshot snap = s.snapshot();
    assertThat(snap.calls(GatewayStats.SEARCH, CallStatus.OK)).isEqualTo(2);
    assertThat(snap.calls(GatewayStats.SEARCH)).isEqualTo(3);
    assertThat(snap.calls(GatewayStats.CODE, CallStatus.ERROR)).isEqualTo(1);
    assertThat(snap.calls(GatewayStats.CODE, CallStatus.OK)).isZero();
    assertThat(snap.cacheHits()).isEqualTo(1);
    assertThat(snap.rateLimitRetries()).isEqualTo(1);
    assertThat(snap.transientRetries()).isEqualTo(1);
    assertThat(snap.backoffMs()).isEqualTo(6.0);
    assertThat(snap.meanLatencyMs()).isEqualTo(34.0);
    assertThat(snap.rpcs()).isEqualTo(1);
  }
}
