package ai.otc.world;

/** One corpus passage, in the FlashRAG / Search-R1 corpus shape ({@code id}, {@code title}, {@code text}). */
public record Passage(String id, String title, String text) {
  /** FlashRAG's {@code contents} field: the quoted title on the first line, then the text. */
  public String contents() {
    return "\"" + title + "\"\n" + text;
  }
}
