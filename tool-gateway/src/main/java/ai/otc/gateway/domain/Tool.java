package ai.otc.gateway.domain;

import ai.otc.proto.v1.ToolKind;

/**
 * The tools behind the gateway; the name is the value of the {@code tool} entry of quota descriptors,
 * the {@code tool} tag of metrics and the key of per-tool limits.
 */
public enum Tool {
  SEARCH("search", ToolKind.TOOL_KIND_SEARCH),
  CODE("code", ToolKind.TOOL_KIND_CODE);

  private final String id;
  private final ToolKind kind;

  Tool(String id, ToolKind kind) {
    this.id = id;
    this.kind = kind;
  }

  public String id() {
    return id;
  }

  public ToolKind kind() {
    return kind;
  }

  /** The tool named {@code id}, or null. */
  public static Tool byId(String id) {
    for (Tool t : values()) {
      if (t.id.equals(id)) {
        return t;
      }
    }
    return null;
  }
}
