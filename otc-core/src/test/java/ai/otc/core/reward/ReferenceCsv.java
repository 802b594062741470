package ai.otc.core.reward;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the reference CSVs written by {@code reference/otc_reference.py} (an independent Python implementation). */
final class ReferenceCsv {

  private ReferenceCsv() {}

  static List<String[]> rows(String resource) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        ReferenceCsv.class.getResourceAsStream(resource), StandardCharsets.UTF_8))) {
      List<String[]> rows = new ArrayList<>();
      r.readLine(); // header
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          rows.add(line.split(",", -1));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double[] doubles(String spaceSeparated) {
    String[] parts = spaceSeparated.trim().split(" ");
    double[] d = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      d[i] = Double.parseDouble(parts[i]);
    }
    return d;
  }
}
