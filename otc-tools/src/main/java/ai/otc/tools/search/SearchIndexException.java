package ai.otc.tools.search;

/** Thrown when the corpus cannot be read or the index cannot be built or opened; the message names the file and line. */
public final class SearchIndexException extends RuntimeException {
  public SearchIndexException(String message, Throwable cause) {
    super(message, cause);
  }

  public SearchIndexException(String message) {
    super(message);
  }
}
