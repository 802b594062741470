package ai.otc.cli.tool;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;

/**
 * Durations on the command line as the services' config writes them: {@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, or ISO-8601 ({@code PT30S}); a bare number is seconds. Must be positive.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)?");

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      // picocli puts "Invalid value for option '--timeout': " in front of this message.
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /** Parses {@code value}; the message of the exception says which forms are accepted (picocli adds the flag). */
  public static Duration parse(String value) {
    String v = value.trim();
    Duration d;
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    } else {
      try {
        d = Duration.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + value + "' is not a duration (500ms, 30s, 2m, 1h or ISO PT30S)", e);
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("'" + value + "' must be longer than zero");
    }
    return d;
  }
}
