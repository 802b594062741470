package ai.otc.core.protocol;

import ai.otc.core.em.PythonText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ToRL's code-as-tool protocol (OTC.md §3.4): extracting the last complete python block,
 * formatting a sandbox result into the observation the model sees, extracting the last
 * {@code \boxed{}} answer and checking it against the gold answer.
 */
public final class CodeProtocol {

  /** Generation of a code turn stops at this string; the observation block starts with it. */
  public static final String OUTPUT_FENCE = "```output";

  /** Observation for a run that produced nothing (ToRL: "an empty observation becomes a timeout message"; wording [I]). */
  public static final String TIMEOUT_MESSAGE = "TimeoutError: execution timed out";

  /** Observations of this many characters or more are shortened to head + "..." + tail. */
  public static final int TRUNCATE_AT = 256;

  /** Characters kept at each end of a shortened observation. */
  public static final int KEEP_EACH_SIDE = 128;

  /** ToRL's default tool-call limit C (OTC sets C = 3). */
  public static final int DEFAULT_MAX_CALLS = 3;

  private CodeProtocol() {}

  /**
   * The last complete {@code ```python} block of a segment, line by line as ToRL's
   * {@code extract_program}: a line starting (or ending) with {@code ```python} opens a block and
   * discards earlier ones, a line starting with {@code ```} closes it; an unclosed last block means no program.
   */
  public static Optional<String> lastPythonBlock(String segment) {
    StringBuilder program = new StringBuilder();
    boolean open = false;
    boolean any = false;
    for (String line : segment.split("\n", -1)) {
      if (line.startsWith("```python") || line.endsWith("```python")) {
        program.setLength(0);
        open = true;
        any = true;
      } else if (line.startsWith("```")) {
        open = false;
      } else if (open) {
        program.append(line).append('\n');
      }
    }
    if (open || !any) {
      return Optional.empty();
    }
    return Optional.of(program.toString());
  }

  /**
   * The observation text the model sees for one execution (ToRL rules): stdout if the exit code is 0
   * or stdout is non-empty; otherwise stderr, reduced to its last line when it contains "Error";
   * a timeout, or an empty result, gives {@link #TIMEOUT_MESSAGE}; then {@link #truncate}.
   */
  public static String observation(String stdout, String stderr, int exitCode, boolean timedOut) {
    String obs;
    if (timedOut) {
      obs = "";
    } else if (exitCode == 0 || !stdout.isEmpty()) {
      obs = stdout;
    } else {
      obs = stderr;
      if (obs.contains("Error")) {
        obs = lastNonEmptyLine(obs);
      }
    }
    if (PythonText.strip(obs).isEmpty()) {
      obs = TIMEOUT_MESSAGE;
    }
    return truncate(obs);
  }

  /** Keeps the first and last 128 characters, joined by "...", when the text has 256 characters or more. */
  public static String truncate(String obs) {
    if (obs.length() < TRUNCATE_AT) {
      return obs;
    }
    return obs.substring(0, KEEP_EACH_SIDE) + "..." + obs.substring(obs.length() - KEEP_EACH_SIDE);
  }

  /** The block appended to the context after an execution: {@code ```output\n{obs}\n```\n}. */
  public static String observationBlock(String obs) {
    return OUTPUT_FENCE + "\n" + obs + "\n```\n";
  }

  private static String lastNonEmptyLine(String s) {
    String[] lines = s.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!PythonText.strip(lines[i]).isEmpty()) {
        return PythonText.strip(lines[i]);
      }
    }
    return "";
  }

  /**
   * The content of the last {@code \boxed{...}} (or {@code \fbox{...}}) with balanced braces, or of
   * {@code \boxed x} up to a {@code $} or the end; empty when there is none or it is unbalanced.
   */
  public static Optional<String> lastBoxed(String text) {
    int boxed = text.lastIndexOf("\\boxed");
    int fbox = text.lastIndexOf("\\fbox");
    int idx = Math.max(boxed, fbox);
    if (idx < 0) {
      return Optional.empty();
    }
    int after = idx + (idx == boxed ? "\\boxed".length() : "\\fbox".length());
    if (after < text.length() && text.charAt(after) == ' ') {
      int end = text.indexOf('$', after);
      String v = text.substring(after + 1, end < 0 ? text.length() : end);
      return Optional.of(PythonText.strip(v));
    }
    if (after >= text.length() || text.charAt(after) != '{') {
      return Optional.empty();
    }
    int depth = 0;
    for (int j = after; j < text.length(); j++) {
      char ch = text.charAt(j);
      if (ch == '{') {
        depth++;
      } else if (ch == '}') {
        depth--;
        if (depth == 0) {
          return Optional.of(text.substring(after + 1, j));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * ToRL-style equivalence [I: math_verify replaced by exact rational arithmetic]: case-insensitive
   * equality after stripping, then equality after light LaTeX normalisation, then numeric equality
   * of integers, decimals and fractions ({@code a/b}, {@code \frac{a}{b}}).
   */
  public static boolean isEquivalent(String predicted, String gold) {
    if (predicted == null || gold == null) {
      return false;
    }
    String p = PythonText.strip(predicted);
    String g = PythonText.strip(gold);
    if (p.equalsIgnoreCase(g)) {
      return true;
    }
    String np = normalizeLatex(p);
    String ng = normalizeLatex(g);
    if (np.equalsIgnoreCase(ng)) {
      return true;
    }
    Optional<BigInteger[]> a = rational(np);
    Optional<BigInteger[]> b = rational(ng);
    if (a.isPresent() && b.isPresent()) {
      BigInteger[] x = a.get();
      BigInteger[] y = b.get();
      return x[0].multiply(y[1]).equals(y[0].multiply(x[1]));
    }
    return false;
  }

  private static final Pattern TEXT_WRAP = Pattern.compile("\\\\(?:text|mathrm|textbf)\\{([^{}]*)\\}");
  private static final Pattern FRAC = Pattern.compile("^(-?)\\\\[dt]?frac\\{(-?[0-9.]+)\\}\\{(-?[0-9.]+)\\}$");
  private static final Pattern SLASH = Pattern.compile("^(-?[0-9.]+)/(-?[0-9.]+)$");
  private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(,\\d{3})+(\\.\\d+)?$");

  static String normalizeLatex(String s) {
    String t = s;
    Matcher m = TEXT_WRAP.matcher(t);
    t = m.replaceAll("$1");
    t = t.replace("\\left", "").replace("\\right", "").replace("\\!", "").replace("\\,", "").replace("\\ ", "");
    t = t.replace("$", "").replace("^\\circ", "").replace("^{\\circ}", "").replace("\\%", "").replace("%", "");
    t = t.replace(" ", "");
    if (t.endsWith(".")) {
      t = t.substring(0, t.length() - 1);
    }
    if (THOUSANDS.matcher(t).matches()) {
      t = t.replace(",", "");
    }
    return t.toLowerCase(Locale.ROOT);
  }

  /** Parses an integer, decimal or fraction into an exact (numerator, denominator) pair. */
  static Optional<BigInteger[]> rational(String s) {
    try {
      Matcher f = FRAC.matcher(s);
      if (f.matches()) {
        return divide(decimal(f.group(2)), decimal(f.group(3)), !f.group(1).isEmpty());
      }
      Matcher sl = SLASH.matcher(s);
      if (sl.matches()) {
        return divide(decimal(sl.group(1)), decimal(sl.group(2)), false);
      }
      return divide(decimal(s), new BigInteger[] {BigInteger.ONE, BigInteger.ONE}, false);
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static BigInteger[] decimal(String s) {
    BigDecimal d = new BigDecimal(s);
    if (d.scale() > 0) {
      return new BigInteger[] {d.unscaledValue(), BigInteger.TEN.pow(d.scale())};
    }
    return new BigInteger[] {d.toBigIntegerExact(), BigInteger.ONE};
  }

  private static Optional<BigInteger[]> divide(BigInteger[] a, BigInteger[] b, boolean negate) {
    BigInteger num = a[0].multiply(b[1]);
    BigInteger den = a[1].multiply(b[0]);
    if (den.signum() == 0) {
      return Optional.empty();
    }
    return Optional.of(new BigInteger[] {negate ? num.negate() : num, den});
  }

  /**
   * ToRL's correctness reward: +1 when the last {@code \boxed{}} is equivalent to the gold answer,
   * −1 when it is wrong or missing.
   */
  public static double correctnessReward(String response, String gold) {
    Optional<String> boxed = lastBoxed(response);
    return boxed.isPresent() && isEquivalent(boxed.get(), gold) ? 1.0 : -1.0;
  }
}
