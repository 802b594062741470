package ai.otc.rollout.domain;

/** Why a policy manifest was not followed; the {@code reason} tag of {@code otc_rollout_policy_manifests_ignored_total}. */
public enum IgnoredManifest {
  /** Another run's manifest (the topic is shared by runs). */
  OTHER_RUN("other-run"),
  /** Not newer than the version loaded or already pending (a re-delivery, or an older record before compaction). */
  NOT_NEWER("not-newer"),
  /** The record does not decode as a {@code PolicyManifest}, or a field is unusable (version, location, checksum). */
  INVALID("invalid");

  private final String tag;

  IgnoredManifest(String tag) {
    this.tag = tag;
  }

  /** The wire name. */
  public String tag() {
    return tag;
  }
}
