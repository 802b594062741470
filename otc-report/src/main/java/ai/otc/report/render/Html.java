package ai.otc.report.render;

import java.util.List;
import java.util.Locale;

/** Small helpers for writing the report's HTML: escaping, number formats, tables. */
final class Html {

  private Html() {}

  /** {@code s} with the five HTML special characters escaped. */
  static String esc(Object s) {
    if (s == null) {
      return "";
    }
    String t = s.toString();
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A value with 3 decimals, "–" when undefined (the paper prints "-"). */
  static String f3(Double v) {
    return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** A value with 2 decimals, "–" when undefined. */
  static String f2(Double v) {
    return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  /** A fraction as a percentage with 1 decimal, "–" when undefined. */
  static String pct(Double v) {
    return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
  }

  /** A signed difference with 3 decimals. */
  static String signed(Double v) {
    return v == null || !Double.isFinite(v) ? "–" : String.format(Locale.ROOT, "%+.3f", v);
  }

  /** ▼x % for a reduction (▲ when it is an increase), as the paper prints next to TC. */
  static String down(Double fraction) {
    if (fraction == null || !Double.isFinite(fraction)) {
      return "";
    }
    return fraction >= 0 ? "▼" + pct(fraction) : "▲" + pct(-fraction);
  }

  /** ▲x % for an increase (▼ when it is a decrease), as the paper prints next to TP. */
  static String up(Double fraction) {
    if (fraction == null || !Double.isFinite(fraction)) {
      return "";
    }
    return fraction >= 0 ? "▲" + pct(fraction) : "▼" + pct(-fraction);
  }

  /** Seconds as "1 h 02 min", "3 min 05 s" or "12.3 s". */
  static String duration(Double seconds) {
    if (seconds == null || !Double.isFinite(seconds)) {
      return "–";
    }
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, seconds < 10 ? "%.2f s" : "%.1f s", seconds);
  }

  /** A table with a header row; cells are HTML already (escape text before). */
  static void table(StringBuilder out, List<String> header, List<List<String>> rows) {
    table(out, null, header, rows);
  }

  /** A table of the CSS class {@code cssClass} ({@code text}: every column left-aligned). */
  static void table(StringBuilder out, String cssClass, List<String> header, List<List<String>> rows) {
    out.append(cssClass == null ? "<table>" : "<table class=\"" + cssClass + "\">").append("\n<thead><tr>");
    for (String h : header) {
      out.append("<th>").append(h).append("</th>");
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      out.append("<tr>");
      for (String c : row) {
        out.append("<td>").append(c).append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  /** The report's style sheet (inline: the file opens offline). */
  static final String CSS = """
      body{font-family:-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
      main{max-width:1320px;margin:0 auto;padding:24px 32px 64px}
      h1{font-size:26px;margin:8px 0 4px} h2{font-size:20px;margin:36px 0 10px;border-bottom:2px solid #dde1e7;padding-bottom:4px}
      h3{font-size:16px;margin:20px 0 8px} .sub{color:#5b6475;margin:0 0 16px}
      .cards{display:flex;flex-wrap:wrap;gap:14px;margin:16px 0}
      .card{background:#fff;border-radius:8px;padding:12px 16px;min-width:230px;box-shadow:0 1px 3px rgba(0,0,0,.08);border-top:5px solid #888}
      .card h3{margin:0 0 6px} .card .big{font-size:22px;font-weight:600} .card .row{display:flex;justify-content:space-between;gap:16px}
      .lead{background:#fff;border-left:5px solid #2a6fdb;padding:12px 18px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
      .lead li{margin:4px 0}
      .warn{background:#fff4e5;border-left:5px solid #e08a00;padding:10px 16px;border-radius:6px}
      .ok{color:#1e7b45;font-weight:600} .bad{color:#b3261e;font-weight:600}
      table{border-collapse:collapse;background:#fff;margin:8px 0 12px;box-shadow:0 1px 3px rgba(0,0,0,.06);font-size:14px}
      th,td{padding:5px 10px;border-bottom:1px solid #e6e8ec;text-align:right;white-space:nowrap}
      th{background:#eef1f5;font-weight:600} td:first-child,th:first-child{text-align:left}
      table.text td,table.text th{text-align:left} .tables{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
      .tables h3{margin:6px 0}
      .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:14px}
      figure{margin:0;background:#fff;padding:8px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
      figure img{width:100%;height:auto;display:block} figcaption{font-size:13px;color:#5b6475;padding:4px 2px}
      .note{font-size:13px;color:#5b6475} code{background:#eef1f5;padding:1px 4px;border-radius:3px}
      pre{background:#fff;padding:10px;border-radius:6px;overflow:auto;font-size:12px}
      """;
}
