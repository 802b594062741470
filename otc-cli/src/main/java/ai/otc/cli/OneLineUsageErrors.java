package ai.otc.cli;

import picocli.CommandLine;

/**
 * Marks a command whose flag errors (unknown, missing or malformed flag) are reported as one line naming the flag,
 * {@code otc tool search: Missing required option: '--gateway=HOST:PORT' (see ./otc tool search --help)}, instead of
 * picocli's message followed by the whole usage text: these commands are meant to be tried by hand, where the
 * usage text would push the error off the screen.
 */
public interface OneLineUsageErrors {

  /** Prints {@code ex} as one line on the command's error stream and returns its invalid-input exit code (2). */
  static int print(CommandLine.ParameterException ex) {
    CommandLine cl = ex.getCommandLine();
    String name = cl.getCommandSpec().qualifiedName();
    cl.getErr().println(name + ": " + ex.getMessage() + " (see ./" + name + " --help)");
    cl.getErr().flush();
    return cl.getCommandSpec().exitCodeOnInvalidInput();
  }
}
