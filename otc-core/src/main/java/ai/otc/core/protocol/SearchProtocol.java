package ai.otc.core.protocol;

import ai.otc.core.em.PythonText;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search tag protocol and turn loop of Search-R1 ({@code search_r1/llm_agent/generation.py},
 * OTC.md §3.2): cutting a turn, parsing its action, the observation and invalid-action texts, and
 * counting tool calls m. The observation tag is configurable: {@code information} in Search-R1,
 * {@code observation} in the OTC paper's template.
 */
public final class SearchProtocol {

  /** Search-R1's invalid-action message, without the surrounding newlines. */
  public static final String INVALID_ACTION_MESSAGE =
      "My previous action is invalid. If I want to search, I should put the query between <search> and </search>. "
          + "If I want to give the final answer, I should put the answer between <answer> and </answer>. Let me try again.";

  /** Search-R1's default number of executed turns. */
  public static final int DEFAULT_MAX_TURNS = 4;

  private final String observationTag;
  private final int maxTurns;
  private final Pattern action = Pattern.compile("<(search|answer)>(.*?)</\\1>", Pattern.DOTALL);
  private final Pattern segmentBreak;

  /**
   * @param observationTag the tag around retrieved passages ({@code information} or {@code observation})
   * @param maxTurns executed turns before the final, tool-less generation (Search-R1: 4)
   */
  public SearchProtocol(String observationTag, int maxTurns) {
    this.observationTag = Objects.requireNonNull(observationTag, "observationTag");
    if (!observationTag.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
      throw new IllegalArgumentException("observation tag must be a plain tag name, got '" + observationTag + "'");
    }
    if (maxTurns < 1) {
      throw new IllegalArgumentException("maxTurns must be >= 1, got " + maxTurns);
    }
    this.maxTurns = maxTurns;
    this.segmentBreak = Pattern.compile(
        "<" + observationTag + ">.*?</" + observationTag + ">|" + Pattern.quote(INVALID_ACTION_MESSAGE), Pattern.DOTALL);
  }

  /** Search-R1's code defaults: {@code <information>}, 4 turns. */
  public static SearchProtocol searchR1() {
    return new SearchProtocol("information", DEFAULT_MAX_TURNS);
  }

  /** The OTC paper's template: {@code <observation>}, 4 turns. */
  public static SearchProtocol otc() {
    return new SearchProtocol("observation", DEFAULT_MAX_TURNS);
  }

  public String observationTag() {
    return observationTag;
  }

  public int maxTurns() {
    return maxTurns;
  }

  /**
   * Cuts generated text the way Search-R1 does: just after the first {@code </search>} if there is
   * one (even when an answer closes earlier), otherwise just after the first {@code </answer>}.
   */
  public static String cut(String generated) {
    int s = generated.indexOf("</search>");
    if (s >= 0) {
      return generated.substring(0, s + "</search>".length());
    }
    int a = generated.indexOf("</answer>");
    if (a >= 0) {
      return generated.substring(0, a + "</answer>".length());
    }
    return generated;
  }

  /** Cuts and parses one turn: the first {@code <(search|answer)>(.*?)</\1>} match wins. */
  public ParsedTurn parseTurn(String generated) {
    String text = cut(generated);
    Matcher m = action.matcher(text);
    if (!m.find()) {
      return new ParsedTurn(text, SearchAction.INVALID, "");
    }
    SearchAction a = m.group(1).equals("search") ? SearchAction.SEARCH : SearchAction.ANSWER;
    return new ParsedTurn(text, a, PythonText.strip(m.group(2)));
  }

  /** The text the environment appends after an executed search: {@code \n\n<tag>passages</tag>\n\n}. */
  public String observation(String passages) {
    return "\n\n<" + observationTag + ">" + PythonText.strip(passages) + "</" + observationTag + ">\n\n";
  }

  /** The text the environment appends after an invalid action. */
  public static String invalidActionObservation() {
    return "\n" + INVALID_ACTION_MESSAGE + "\n";
  }

  /**
   * Splits a whole response (prompt excluded) into the model's turns: the pieces between the
   * environment's observation blocks and invalid-action messages. Empty pieces are dropped.
   */
  public List<String> splitTurns(String response) {
    List<String> turns = new ArrayList<>();
    Matcher m = segmentBreak.matcher(response);
    int from = 0;
    while (m.find()) {
      addTurn(turns, response.substring(from, m.start()));
      from = m.end();
    }
    addTurn(turns, response.substring(from));
    return turns;
  }

  private static void addTurn(List<String> turns, String piece) {
    if (!PythonText.strip(piece).isEmpty()) {
      turns.add(piece);
    }
  }

  /**
   * Tool-call count m of a whole response (OTC.md §3.2): the number of model turns whose parsed
   * action is a search, including a search emitted in the final, unexecuted turn; at most one per
   * turn; invalid and answer turns do not count.
   */
  public int countToolCalls(String response) {
    int m = 0;
    for (String turn : splitTurns(response)) {
      if (parseTurn(turn).action() == SearchAction.SEARCH) {
        m++;
      }
    }
    return m;
  }

  /** Counts searches in already-parsed turns (the rollout's own record of the loop). */
  public static int countToolCalls(List<ParsedTurn> turns) {
    int m = 0;
    for (ParsedTurn t : turns) {
      if (t.action() == SearchAction.SEARCH) {
        m++;
      }
    }
    return m;
  }
}
