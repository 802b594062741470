package ai.otc.policy.offline.tools;

import ai.otc.policy.tools.ToolBackend;
import java.math.BigInteger;

/**
 * A tiny, safe stand-in for the Python sandbox: runs programs of the form {@code print ( EXPR )} (one per line) where
 * EXPR uses integers, {@code + - * // %} and parentheses, with Python's semantics for those operators. Anything
 * else fails with a Python-like error on stderr, exit code 1.
 */
public final class ArithmeticEvaluator {
  private final String s;
  private int i;

  private ArithmeticEvaluator(String s) {
    this.s = s;
  }

  /** Executes a program; never throws. */
  public static ToolBackend.Execution run(String program) {
    StringBuilder out = new StringBuilder();
    for (String line : program.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      String compact = l.replace(" ", "");
      if (!compact.startsWith("print(") || !compact.endsWith(")")) {
        return new ToolBackend.Execution(out.toString(), "SyntaxError: only print(expression) is supported", 1, false);
      }
      try {
        ArithmeticEvaluator e = new ArithmeticEvaluator(compact.substring(6, compact.length() - 1));
        BigInteger v = e.expr();
        if (e.i != e.s.length()) {
          throw new IllegalArgumentException("unexpected '" + e.s.charAt(e.i) + "'");
        }
        out.append(v).append('\n');
      } catch (ArithmeticException ex) {
        return new ToolBackend.Execution(out.toString(), "ZeroDivisionError: integer division or modulo by zero", 1, false);
      } catch (RuntimeException ex) {
        return new ToolBackend.Execution(out.toString(), "SyntaxError: " + ex.getMessage(), 1, false);
      }
    }
    return new ToolBackend.Execution(out.toString(), "", 0, false);
  }

  private BigInteger expr() {
    BigInteger v = term();
    while (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      char op = s.charAt(i++);
      BigInteger r = term();
      v = op == '+' ? v.add(r) : v.subtract(r);
    }
    return v;
  }

  private BigInteger term() {
    BigInteger v = factor();
    while (i < s.length()) {
      if (s.startsWith("//", i)) {
        i += 2;
        v = floorDiv(v, factor());
      } else if (s.charAt(i) == '*') {
        i++;
        v = v.multiply(factor());
      } else if (s.charAt(i) == '%') {
        i++;
        BigInteger r = factor();
        v = v.subtract(floorDiv(v, r).multiply(r));
      } else {
        break;
      }
    }
    return v;
  }

  private static BigInteger floorDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    if (qr[1].signum() != 0 && qr[1].signum() != b.signum()) {
      return qr[0].subtract(BigInteger.ONE);
    }
    return qr[0];
  }

  private BigInteger factor() {
    if (i >= s.length()) {
      throw new IllegalArgumentException("unexpected end of expression");
    }
    char c = s.charAt(i);
    if (c == '-') {
      i++;
      return factor().negate();
    }
    if (c == '(') {
      i++;
      BigInteger v = expr();
      if (i >= s.length() || s.charAt(i) != ')') {
        throw new IllegalArgumentException("missing ')'");
      }
      i++;
      return v;
    }
    int start = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    if (start == i) {
      throw new IllegalArgumentException("unexpected '" + c + "'");
    }
    return new BigInteger(s.substring(start, i));
  }
}
