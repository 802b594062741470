package ai.otc.core.protocol;

/** The action a search-protocol turn parses to (Search-R1 {@code postprocess_predictions}). */
public enum SearchAction {
  SEARCH,
  ANSWER,
  /** Neither a complete search nor a complete answer tag: the invalid-action message is appended. */
  INVALID
}
