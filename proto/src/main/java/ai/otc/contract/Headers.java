package ai.otc.contract;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.Set;

/**
 * The record headers every producer of a platform topic writes: records are plain protobuf bytes
 * with the message type and the contract version in headers (ARCHITECTURE.md "Events"), so a
 * consumer or an analytics tool knows how to decode a record without the topic table.
 *
 * <p>The version value is {@value #VERSION_VALUE} on every topic: the same token as the proto
 * package ({@code otc.v1}) and the topic suffix ({@code .v1}). A breaking change of a message means
 * new topics ({@code .v2}), a new package and this value changing together. (Before the contract
 * existed, the tool gateway wrote {@code "1"}; every producer now writes {@value #VERSION_VALUE}.)
 */
public final class Headers {

  /** The full protobuf name of the record value's message, e.g. {@value #TYPE_SCORED_GROUP}. */
  public static final String TYPE = "otc-type";
  /** The contract version of the record value: always {@link #VERSION_VALUE}. */
  public static final String VERSION = "otc-version";
  /** The one value of {@link #VERSION} in this contract. */
  public static final String VERSION_VALUE = "v1";

  /** {@link #TYPE} of otc.rollouts.v1 records. */
  public static final String TYPE_TRAJECTORY = "otc.v1.Trajectory";
  /** {@link #TYPE} of otc.rewarded.v1 records (also of {@code ./otc rescore} output). */
  public static final String TYPE_SCORED_GROUP = "otc.v1.ScoredGroup";
  /** {@link #TYPE} of otc.tool-usage.v1 records. */
  public static final String TYPE_TOOL_USAGE = "otc.v1.ToolUsage";
  /** {@link #TYPE} of otc.policy.v1 records. */
  public static final String TYPE_POLICY_MANIFEST = "otc.v1.PolicyManifest";
  /** {@link #TYPE} of otc.metrics.v1 records. */
  public static final String TYPE_STEP_METRICS = "otc.v1.StepMetrics";

  /** Every {@link #TYPE} value of the contract. */
  public static final Set<String> TYPES = Set.of(TYPE_TRAJECTORY, TYPE_SCORED_GROUP, TYPE_TOOL_USAGE, TYPE_POLICY_MANIFEST,
      TYPE_STEP_METRICS);

  private Headers() {}

  /** The {@link #TYPE} value of a generated message class's descriptor (its full protobuf name). */
  public static String typeOf(Descriptor descriptor) {
    return descriptor.getFullName();
  }
}
