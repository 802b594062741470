package ai.otc.cli;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./otc}: a plain Java main (no framework boot) that dispatches to the subcommands. */
@Command(
    name = "otc",
    mixinStandardHelpOptions = true,
    version = "otc 0.1.0",
    description = "OTC-PO platform: offline tools for tool-using RL agents (see README.md).",
    subcommandsRepeatable = false)
public final class Otc implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  /** Builds the command line with every registered subcommand, sorted by name. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Otc());
    List<OtcSubcommand> subs = ServiceLoader.load(OtcSubcommand.class).stream()
        .map(ServiceLoader.Provider::get)
        .sorted(Comparator.comparing(s -> s.getClass().getAnnotation(Command.class).name()))
        .toList();
    for (OtcSubcommand sub : subs) {
      cl.addSubcommand(sub);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    CommandLine.IParameterExceptionHandler usual = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((ex, args) -> ex.getCommandLine().getCommand() instanceof OneLineUsageErrors
        ? OneLineUsageErrors.print(ex) : usual.handleParseException(ex, args));
    return cl;
  }

  public static void main(String[] args) {
    // Kafka's clients, Netty and DJL log through slf4j, which has no binding in the CLI (commands print their own
    // progress): keep slf4j's "no providers" notice off every command's terminal, not only the ones that use Kafka.
    System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
