package ai.otc.learner.training;

import ai.otc.proto.v1.StepMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The service's part of a checkpoint, saved in the same atomic write as the weights: the run id, the ledger of decided
 * group ids per step ({@link GroupLedger}), and the last step's {@code StepMetrics} with the manifest's creation time, so a
 * start after a crash between the checkpoint and the publication re-publishes exactly that step. JSON:
 *
 * <pre>{"run_id": "r1", "step": 3, "created_at_ms": 1764672000000, "metrics": "&lt;base64 StepMetrics&gt;",
 *  "ledger": [{"step": 3, "trained": ["r1/b2/q7@otc-grpo:v1", ...], "dropped": []}, ...]}</pre>
 *
 * @param runId the run
 * @param step the checkpoint's step
 * @param createdAtMs when the step's version was made (the manifest's {@code created_at})
 * @param metrics the step's metrics (empty for step 0)
 * @param ledger the remembered steps, oldest first
 */
public record ServiceState(String runId, long step, long createdAtMs, Optional<StepMetrics> metrics, List<GroupLedger.Entry> ledger) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public ServiceState {
    ledger = List.copyOf(ledger);
  }

  /** The JSON bytes. */
  public byte[] toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("run_id", runId);
    o.put("step", step);
    o.put("created_at_ms", createdAtMs);
    metrics.ifPresent(m -> o.put("metrics", Base64.getEncoder().encodeToString(m.toByteArray())));
    ArrayNode l = o.putArray("ledger");
    for (GroupLedger.Entry e : ledger) {
      ObjectNode n = l.addObject();
      n.put("step", e.step());
      ArrayNode t = n.putArray("trained");
      e.trained().forEach(t::add);
      ArrayNode d = n.putArray("dropped");
      e.dropped().forEach(d::add);
    }
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@link #toJson()}'s bytes; throws naming what is wrong. */
  public static ServiceState fromJson(byte[] bytes) {
    try {
      JsonNode o = JSON.readTree(bytes);
      Optional<StepMetrics> m = Optional.empty();
      if (o.hasNonNull("metrics")) {
        m = Optional.of(StepMetrics.parseFrom(Base64.getDecoder().decode(o.get("metrics").asText())));
      }
      List<GroupLedger.Entry> ledger = new ArrayList<>();
      for (JsonNode n : o.path("ledger")) {
        ledger.add(new GroupLedger.Entry(n.get("step").asLong(), strings(n.path("trained")), strings(n.path("dropped"))));
      }
      return new ServiceState(o.get("run_id").asText(), o.get("step").asLong(), o.get("created_at_ms").asLong(), m, ledger);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("the learner's checkpoint state does not parse: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }

  /** The state as text (for logs and the tests that read a checkpoint). */
  @Override
  public String toString() {
    return new String(toJson(), StandardCharsets.UTF_8);
  }
}
