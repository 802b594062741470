package ai.otc.cli.tool;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.cli.OtcSubcommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./otc tool search|code}: calls a running tool gateway from the shell over its gRPC API (plain text), with a
 * tenant's bearer token, so a user can try the tools and their limits by hand. The subcommands print the answer and
 * the status, or the refusal (gRPC status, description, retry-after), and exit with one code per class of outcome
 * ({@link ExitCode}).
 */
@Command(name = "tool", mixinStandardHelpOptions = true,
    subcommands = {ToolSearchCommand.class, ToolCodeCommand.class},
    description = {"Call a running tool gateway from the shell (gRPC, plain text):",
        "  ./otc tool search --gateway HOST:PORT QUERY...",
        "  ./otc tool code --gateway HOST:PORT < program.py",
        "The tenant's token comes from --token, else from the environment variable",
        "  " + GatewayOptions.TOKEN_ENV + " (which keeps it out of shell history).",
        ExitCode.HELP_1, ExitCode.HELP_2, ExitCode.HELP_3, ExitCode.HELP_4, ""})
public final class ToolCommand implements OtcSubcommand, OneLineUsageErrors {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    System.err.println("otc tool: name a subcommand: search or code");
    spec.commandLine().usage(System.err);
    return ExitCode.USAGE;
  }
}
