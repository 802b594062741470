package ai.otc.gateway.metering;

import ai.otc.contract.CloudEvents;
import ai.otc.gateway.domain.Refusal;
import ai.otc.gateway.domain.Tool;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the {@link ToolUsage} event of one call for {@code otc.tool-usage.v1}, with its deterministic
 * id. Every id starts with the caller's tenant, {@code <tenant>/} (the tenant as {@link #scope} writes
 * it), then:
 *
 * <ul>
 *   <li>{@code <trajectory_id>:<call_index>} when the request carries a call context (the trajectory's
 *       {@code ToolCall.call_id}, so the event's id is {@code <tenant>/} + that call id);
 *   <li>{@code code:<call_id>} for a code call with an idempotency key but no context;
 *   <li>otherwise {@code <source>:<boot>:<n>}, n counting this replica's context-free calls since its
 *       start and {@code boot} a random id of that start (a restarted replica counts from 1 again and
 *       must not reuse the ids of its previous life, or consumers would drop its events as duplicates).
 * </ul>
 *
 * The tenant comes from the call's credential, never from the request, so the ids of two tenants never
 * meet: a tenant that sends another's trajectory id and call index is metered under its own id (it
 * cannot have its call dropped as a duplicate of the other's, nor have the other's event dropped as a
 * duplicate of its own). Within one tenant the same context is the same call: a consumer deduping by
 * id counts it once.
 *
 * <p>A refused call gets {@code <base>:refused:<boot>-<n>} (and a cancelled code call
 * {@code <base>:cancelled:<boot>-<n>}): the rollout retries it with the same context, and the retry's
 * event must not be dropped as a duplicate of the refusal, nor a refusal after a restart as a
 * duplicate of one before it.
 */
public final class UsageEvents {
  private final String source;
  private final String boot;
  private final AtomicLong anonymous = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();

  /** @param source the CloudEvents {@code source} of this replica ({@code otc.gateway.metering.source}) */
  public UsageEvents(String source) {
    this(source, randomBootId());
  }

  /** @param boot the id of this start of the replica (tests pin it; see the class comment) */
  public UsageEvents(String source, String boot) {
    this.source = source;
    this.boot = boot;
  }

  private static String randomBootId() {
    byte[] b = new byte[6];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  /** The random id of this start, part of the ids of context-free calls and of attempts. */
  public String boot() {
    return boot;
  }

  /** The base id of a call (see the class comment). */
  public String baseId(String tenant, Tool tool, CallContext ctx, String callId) {
    if (ctx != null && !ctx.getTrajectoryId().isEmpty()) {
      return scope(tenant) + ctx.getTrajectoryId() + ":" + ctx.getCallIndex();
    }
    if (tool == Tool.CODE && callId != null && !callId.isEmpty()) {
      return scope(tenant) + "code:" + callId;
    }
    return scope(tenant) + source + ":" + boot + ":" + anonymous.incrementAndGet();
  }

  /**
   * The prefix of every id of {@code tenant}'s events: the tenant with {@code %} and {@code /}
   * percent-encoded ({@code %25}, {@code %2F}), then {@code /}. The first {@code /} of an id thus always
   * ends its tenant part, and two tenants' ids cannot be equal whatever their trajectory ids hold.
   */
  public static String scope(String tenant) {
    if (tenant.isEmpty()) {
      throw new IllegalArgumentException("a usage event needs a tenant");
    }
    String t = tenant.indexOf('%') < 0 && tenant.indexOf('/') < 0 ? tenant
        : tenant.replace("%", "%25").replace("/", "%2F");
    return t + "/";
  }

  /** The id of a refused or cancelled attempt of the call with {@code baseId}. */
  public String attemptId(String baseId, String what) {
    return baseId + ":" + what + ":" + boot + "-" + attempts.incrementAndGet();
  }

  /** The event; {@code refusal} null when allowed. */
  public ToolUsage event(String id, String tenant, Tool tool, CallContext ctx, ToolStatus status, double costUnits,
      double wallMs, Refusal refusal, boolean rateLimited, boolean shadowRefused, boolean cacheHit) {
    Instant now = Instant.now();
    ToolUsage.Builder b = ToolUsage.newBuilder()
        .setId(id)
        .setSource(source)
        .setType(CloudEvents.TYPE_TOOL_USAGE)
        .setSpecversion(CloudEvents.SPEC_VERSION)
        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setTenant(tenant)
        .setTool(tool.kind())
        .setStatus(status)
        .setCostUnits(costUnits)
        .setWallMs(wallMs)
        .setRateLimited(rateLimited)
        .setCacheHit(cacheHit)
        .setShadowRefused(shadowRefused)
        .setRefusal(refusal == null ? "" : refusal.id());
    if (ctx != null) {
      b.setSubject(ctx.getTrajectoryId())
          .setTrajectoryId(ctx.getTrajectoryId())
          .setCallIndex(ctx.getCallIndex())
          .setPolicyVersion(ctx.getPolicyVersion());
    }
    return b.build();
  }
}
