package ai.otc.policy.tokenizer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Word-level tokenizer for a closed vocabulary (the task world's): every vocabulary word is one token, the protocol
 * tags are single tokens, and numbers are spelled digit by digit ({@code 1873 -> 1 ##8 ##7 ##3}) so any number (e.g. a
 * code tool's output) can be read and copied. Saved with the model as its ordered token list, so a loaded policy
 * needs nothing but its artifact; the word list of a new tokenizer comes from the caller (the world generator's
 * vocabulary for the warm start), which keeps this library free of the world.
 *
 * <p>Text convention: tokens are separated by single spaces, except around the newline token and before a
 * {@code ##} digit continuation. For text that follows it (everything the world, the demonstrations and the tools
 * produce), {@code decode(encode(s)).equals(s)}. Unknown words map to {@code <unk>}.
 */
public final class WordTokenizer {
  /** Padding (id 0, never predicted). */
  public static final String PAD = "<pad>";
  /** Unknown word. */
  public static final String UNK = "<unk>";
  /** End of sequence (emitted only when a model goes off-protocol; generation stops on it). */
  public static final String EOS = "<eos>";
  /** Prompt prefix of a search-task question. */
  public static final String QA = "<qa>";
  /** Prompt prefix of a code-task (arithmetic) question. */
  public static final String MATH = "<math>";
  public static final String THINK = "<think>";
  public static final String THINK_END = "</think>";
  public static final String SEARCH = "<search>";
  public static final String SEARCH_END = "</search>";
  public static final String ANSWER = "<answer>";
  public static final String ANSWER_END = "</answer>";
  public static final String PYTHON = "```python";
  public static final String OUTPUT = "```output";
  public static final String FENCE = "```";
  public static final String BOXED = "\\boxed{";
  public static final String BRACE_END = "}";
  public static final String NEWLINE = "\n";
  /** The observation tag used by default, as in the OTC paper. */
  public static final String DEFAULT_OBSERVATION_TAG = "observation";
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final List<String> tokens;
  private final Map<String, Integer> ids = new HashMap<>();
  private final String observationTag;

  /** A tokenizer over an explicit token list (as saved in an artifact); {@code tokens.get(0)} must be {@code <pad>}. */
  public WordTokenizer(List<String> tokens, String observationTag) {
    if (tokens.isEmpty() || !PAD.equals(tokens.get(0))) {
      throw new IllegalArgumentException("token list must start with " + PAD);
    }
    this.tokens = List.copyOf(tokens);
    this.observationTag = observationTag;
    for (int i = 0; i < tokens.size(); i++) {
      if (ids.put(tokens.get(i), i) != null) {
        throw new IllegalArgumentException("duplicate token '" + tokens.get(i) + "'");
      }
    }
    for (String t : List.of(UNK, EOS, observationOpen(), observationClose(), ANSWER_END, SEARCH_END)) {
      if (!ids.containsKey(t)) {
        throw new IllegalArgumentException("token list lacks required token " + t);
      }
    }
  }

  /**
   * A new tokenizer: the protocol tokens, the digits, then {@code words} in their order (a word that is already a
   * token is skipped), with the given observation tag name ({@code observation}, {@code information}, {@code obs}...).
   * The same arguments always give the same token ids.
   */
  public static WordTokenizer forVocabulary(Collection<String> words, String observationTag) {
    if (observationTag == null || !observationTag.matches("[a-z_]+")) {
      throw new IllegalArgumentException("observation tag must be lower-case letters, got '" + observationTag + "'");
    }
    List<String> t = new ArrayList<>(List.of(PAD, UNK, EOS, QA, MATH, THINK, THINK_END, SEARCH, SEARCH_END,
        "<" + observationTag + ">", "</" + observationTag + ">", ANSWER, ANSWER_END, PYTHON, OUTPUT, FENCE, BOXED,
        BRACE_END, NEWLINE, ".", ";"));
    for (int d = 0; d <= 9; d++) {
      t.add(String.valueOf(d));
    }
    for (int d = 0; d <= 9; d++) {
      t.add("##" + d);
    }
    for (String w : words) {
      if (w == null || w.isEmpty() || w.contains(" ") || w.contains("\n")) {
        throw new IllegalArgumentException("a vocabulary word must be non-empty without spaces or newlines, got '" + w + "'");
      }
      if (!t.contains(w)) {
        t.add(w);
      }
    }
    return new WordTokenizer(t, observationTag);
  }

  public String observationTag() {
    return observationTag;
  }

  /** {@code <observation>} (or the configured name). */
  public String observationOpen() {
    return "<" + observationTag + ">";
  }

  /** {@code </observation>} (or the configured name). */
  public String observationClose() {
    return "</" + observationTag + ">";
  }

  /** The ordered token list (index = id). */
  public List<String> tokens() {
    return tokens;
  }

  public int size() {
    return tokens.size();
  }

  /** Id of a token; throws if it is not in the vocabulary. */
  public int id(String token) {
    Integer i = ids.get(token);
    if (i == null) {
      throw new IllegalArgumentException("not a token: '" + token + "'");
    }
    return i;
  }

  /** True when {@code token} is a vocabulary entry. */
  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /** The token string of an id. */
  public String token(int id) {
    return tokens.get(id);
  }

  /** Encodes text (see the class comment for the convention). */
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int li = 0; li < lines.length; li++) {
      if (li > 0) {
        out.add(ids.get(NEWLINE));
      }
      for (String w : lines[li].split(" ")) {
        if (w.isEmpty()) {
          continue;
        }
        Integer id = ids.get(w);
        if (id != null) {
          out.add(id);
        } else if (DIGITS.matcher(w).matches()) {
          out.add(ids.get(String.valueOf(w.charAt(0))));
          for (int i = 1; i < w.length(); i++) {
            out.add(ids.get("##" + w.charAt(i)));
          }
        } else {
          out.add(ids.get(UNK));
        }
      }
    }
    int[] a = new int[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  /** Decodes ids back to text; {@code <pad>} ids are skipped. */
  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  /** Decodes {@code ids[from, to)}. */
  public String decode(int[] ids, int from, int to) {
    StringBuilder sb = new StringBuilder();
    String prev = null;
    for (int i = from; i < to; i++) {
      if (ids[i] == 0) {
        continue;
      }
      String t = tokens.get(ids[i]);
      if (prev != null && !t.startsWith("##") && !NEWLINE.equals(t) && !NEWLINE.equals(prev)) {
        sb.append(' ');
      }
      sb.append(t.startsWith("##") ? t.substring(2) : t);
      prev = t;
    }
    return sb.toString();
  }
}
