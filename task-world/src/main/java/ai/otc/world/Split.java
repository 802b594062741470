package ai.otc.world;

/** The three splits of the world's questions; dev and test are held out from the warm start and from RL. */
public enum Split {
  TRAIN("train"), DEV("dev"), TEST("test");

  private final String label;

  Split(String label) {
    this.label = label;
  }

  /** File stem and JSON value ("train", "dev", "test"). */
  public String label() {
    return label;
  }

  /** Parses "train" / "dev" / "test" with a clear error otherwise. */
  public static Split fromLabel(String s) {
    for (Split x : values()) {
      if (x.label.equalsIgnoreCase(s)) {
        return x;
      }
    }
    throw new IllegalArgumentException("unknown split '" + s + "' (expected train, dev or test)");
  }
}
