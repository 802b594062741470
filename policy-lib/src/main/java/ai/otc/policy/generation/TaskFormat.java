package ai.otc.policy.generation;

import ai.otc.core.em.PythonText;
import ai.otc.core.protocol.CodeProtocol;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.ToolBackend;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The text conventions of the tool protocols, shared by the warm-start demonstrations and by live rollouts so that both
 * see exactly the same prompts and observations.
 *
 * <ul>
 *   <li>Prompt: {@code <qa> QUESTION} (search task) or {@code <math> QUESTION} (code task). The long OTC / ToRL
 *       instruction templates are replaced by the task token: a 150-word vocabulary cannot hold them and a model
 *       trained from scratch gains nothing from them.</li>
 *   <li>Search observation: {@code <observation> PASSAGE ; PASSAGE </observation>} after {@code </search>}, i.e.
 *       Search-R1's block with token-friendly spacing and the passage texts only (titles repeat the first words).</li>
 *   <li>Code observation: the model writes {@code ```output}, the environment appends {@code \n OBS \n ```} where OBS
 *       is ToRL's observation ({@link CodeProtocol#observation}) stripped; the answer is {@code \boxed{ X }}.</li>
 * </ul>
 */
public final class TaskFormat {
  private final WordTokenizer tokenizer;
  private final ToolBackend tools;
  private final int topK;

  public TaskFormat(WordTokenizer tokenizer, ToolBackend tools, int topK) {
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
    }
    this.tokenizer = tokenizer;
    this.tools = tools;
    this.topK = topK;
  }

  public WordTokenizer tokenizer() {
    return tokenizer;
  }

  public ToolBackend tools() {
    return tools;
  }

  public int topK() {
    return topK;
  }

  /** The prompt text of a question asked under {@code protocol}: the task token, then the question text. */
  public String prompt(ToolProtocol protocol, String question) {
    return (protocol == ToolProtocol.SEARCH ? WordTokenizer.QA : WordTokenizer.MATH) + " " + question;
  }

  /** The observation block appended after a search for {@code query} (leading space included). */
  public String searchObservation(String query) {
    return searchObservation(tools.search(query, topK));
  }

  /**
   * The observation block for retrieved passages (leading space included): their texts joined by {@code " ; "}
   * between the observation tags. Whoever retrieved them (in process or the gateway), the policy sees this text.
   */
  public String searchObservation(List<ToolBackend.Hit> hits) {
    String body = hits.stream().map(ToolBackend.Hit::text).collect(Collectors.joining(" ; "));
    return " " + tokenizer.observationOpen() + (body.isEmpty() ? "" : " " + body) + " " + tokenizer.observationClose();
  }

  /** The text appended after {@code ```output} for a program (leading newline included). */
  public String codeObservation(String program) {
    return codeObservation(tools.execute(program));
  }

  /**
   * The text appended after {@code ```output} for a program's result: ToRL's observation
   * ({@link CodeProtocol#observation}), stripped, then a newline and the closing fence (leading newline included).
   */
  public String codeObservation(ToolBackend.Execution ex) {
    String obs = PythonText.strip(CodeProtocol.observation(ex.stdout(), ex.stderr(), ex.exitCode(), ex.timedOut()));
    return "\n" + obs + "\n" + WordTokenizer.FENCE;
  }
}
