package ai.otc.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.kafka.ContractHeaders;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The header check flags every kind of drift and accepts exactly what the contract says. */
class HeaderCheckTest {

  static Map.Entry<String, byte[]> h(String k, String v) {
    return new SimpleImmutableEntry<>(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theVersionIsOneValueAndMatchesTheTopicSuffixAndPackage() {
    assertThat(Headers.VERSION_VALUE).isEqualTo("v1");
    for (TopicSpec s : TopicTable.all()) {
      if (s.hasMessageValue()) {
        assertThat(s.name()).endsWith("." + Headers.VERSION_VALUE);
        assertThat(s.value()).startsWith("otc." + Headers.VERSION_VALUE + ".");
      }
    }
  }

  @Test
  void conformingHeadersPass() {
    assertThat(HeaderCheck.problems(Topics.REWARDED, List.of(h("otc-type", "otc.v1.ScoredGroup"), h("otc-version", "v1")))).isEmpty();
    assertThat(HeaderCheck.problems(Topics.TOOL_USAGE, List.of(h("otc-type", "otc.v1.ToolUsage"), h("otc-version", "v1"),
        h("ce_id", "t:1"), h("ce_type", "ai.otc.tool.usage.v1")))).isEmpty();
    assertThat(HeaderCheck.problems(Topics.ROLLOUTS_DLQ, List.of(h("dlq-reason", "undecodable"), h("dlq-source-topic", "x"),
        h("dlq-source-partition", "0"), h("dlq-source-offset", "7")))).isEmpty();
  }

  @Test
  void driftIsFlagged() {
    // The gateway's old version value.
    assertThat(HeaderCheck.problems(Topics.TOOL_USAGE, List.of(h("otc-type", "otc.v1.ToolUsage"), h("otc-version", "1"),
        h("ce_id", "t:1"), h("ce_type", "ai.otc.tool.usage.v1"))))
        .containsExactly("header otc-version: '1', the contract says 'v1'");
    assertThat(HeaderCheck.problems(Topics.REWARDED, List.of(h("otc-type", "otc.v1.Trajectory"), h("otc-version", "v1"))))
        .containsExactly("header otc-type: 'otc.v1.Trajectory', the contract says 'otc.v1.ScoredGroup'");
    assertThat(HeaderCheck.problems(Topics.REWARDED, List.of(h("otc-version", "v1"), h("otc-version", "v1"))))
        .containsExactly("header otc-type: 0 times, expected once", "header otc-version: 2 times, expected once");
    assertThat(HeaderCheck.problems(Topics.TOOL_USAGE, List.of(h("otc-type", "otc.v1.ToolUsage"), h("otc-version", "v1"))))
        .containsExactly("header ce_id: 0 times, expected once", "header ce_type: 0 times, expected once");
    assertThat(HeaderCheck.problems(Topics.REWARDED, List.of(h("otc-type", null), h("otc-version", "v1"))))
        .containsExactly("header otc-type: 'null', the contract says 'otc.v1.ScoredGroup'");
    // A dead letter keeps the poison record's headers: they must be the source topic's.
    assertThat(HeaderCheck.problems(Topics.ROLLOUTS_DLQ, List.of(h("otc-type", "otc.v1.Trajectory"), h("otc-version", "2"),
        h("dlq-reason", "undecodable"), h("dlq-source-topic", "x"), h("dlq-source-partition", "0"))))
        .containsExactly("header dlq-source-offset: 0 times, expected once", "header otc-version: '2', the contract says 'v1'");
    assertThatThrownBy(() -> HeaderCheck.problems("otc-reward-service-groups", List.of())).hasMessageContaining("no contract message");
  }

  @Test
  void stampingWritesWhatTheCheckAccepts() {
    RecordHeaders rh = new RecordHeaders();
    ContractHeaders.stamp(rh, Headers.TYPE_SCORED_GROUP);
    assertThat(new String(rh.lastHeader("otc-type").value(), StandardCharsets.UTF_8)).isEqualTo("otc.v1.ScoredGroup");
    assertThat(new String(rh.lastHeader("otc-version").value(), StandardCharsets.UTF_8)).isEqualTo("v1");
    assertThat(ContractHeaders.problems(Topics.REWARDED, rh)).isEmpty();
    assertThat(ContractHeaders.problems(Topics.ROLLOUTS, rh)).hasSize(1);
    List<String> types = new ArrayList<>(Headers.TYPES);
    for (String t : types) {
      RecordHeaders x = new RecordHeaders();
      ContractHeaders.stamp(x, t);
      assertThat(x.toArray()).hasSize(2);
    }
    assertThatThrownBy(() -> ContractHeaders.stamp(new RecordHeaders(), "otc.v1.Nope")).hasMessageContaining("otc.v1.Nope");
  }
}
