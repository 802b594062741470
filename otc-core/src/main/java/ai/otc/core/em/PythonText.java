package ai.otc.core.em;

/**
 * Python {@code str} semantics that Java lacks and Search-R1's scoring depends on: the
 * {@code str.isspace()} character set, {@code str.split()} + join, and {@code str.strip()}.
 */
public final class PythonText {

  private PythonText() {}

  /**
   * Python's {@code str.isspace()} for a BMP character: 0x09–0x0D, 0x1C–0x1F, 0x20, 0x85, 0xA0,
   * 0x1680, 0x2000–0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000. Java's
   * {@code Character.isWhitespace} differs (it omits NBSP, includes none of 0x85).
   */
  public static boolean isSpace(char ch) {
    if (ch <= 0x20) {
      return ch == 0x20 || (ch >= 0x09 && ch <= 0x0D) || (ch >= 0x1C && ch <= 0x1F);
    }
    if (ch < 0x85) {
      return false;
    }
    return ch == 0x85
        || ch == 0xA0
        || ch == 0x1680
        || (ch >= 0x2000 && ch <= 0x200A)
        || ch == 0x2028
        || ch == 0x2029
        || ch == 0x202F
        || ch == 0x205F
        || ch == 0x3000;
  }

  /** {@code " ".join(s.split())}: collapses every run of Python whitespace to one space and trims. */
  public static String collapseWhitespace(CharSequence s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean pendingSpace = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (isSpace(ch)) {
        pendingSpace = sb.length() > 0;
      } else {
        if (pendingSpace) {
          sb.append(' ');
          pendingSpace = false;
        }
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  /** {@code s.strip()}: removes leading and trailing Python whitespace. */
  public static String strip(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && isSpace(s.charAt(b))) {
      b++;
    }
    while (e > b && isSpace(s.charAt(e - 1))) {
      e--;
    }
    return s.substring(b, e);
  }
}
