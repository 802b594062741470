package ai.otc.cli.platform;

import java.nio.file.Path;

/**
 * The files of the platform and of its runs below the runs folder ({@code runs/} of the working directory by default):
 *
 * <pre>
 * runs/platform/   what ./otc up started: state.json, plan.json, gateway.token (0600), logs/, kafka/ (broker data),
 *                  gateway/ (index, usage spool)
 * runs/ID/         one training run: config.json, logs/, metrics.jsonl, policy.zip, policies/ (the run's policy store),
 *                  checkpoint/ (the learner's), processes.json, and kafka/ and gateway/ when the run started its own
 * </pre>
 */
record Layout(Path runs) {

  /** The folder name {@code ./otc up} uses for itself, so not a run id. */
  static final String PLATFORM = "platform";

  Path platform() {
    return runs.resolve(PLATFORM);
  }

  Path stateFile() {
    return platform().resolve("state.json");
  }

  Path planFile() {
    return platform().resolve("plan.json");
  }

  Path tokenFile() {
    return platform().resolve("gateway.token");
  }

  Path supervisorLog() {
    return platform().resolve("logs").resolve("supervisor.log");
  }

  /** The files of run {@code id}. */
  Run run(String id) {
    return new Run(runs.resolve(id));
  }

  /** The folder of one run. */
  record Run(Path dir) {
    Path config() {
      return dir.resolve("config.json");
    }

    Path logs() {
      return dir.resolve("logs");
    }

    Path log(String part) {
      return logs().resolve(part + ".log");
    }

    Path metrics() {
      return dir.resolve("metrics.jsonl");
    }

    Path policy() {
      return dir.resolve("policy.zip");
    }

    Path policies() {
      return dir.resolve("policies");
    }

    Path checkpoint() {
      return dir.resolve("checkpoint");
    }

    Path processes() {
      return dir.resolve("processes.json");
    }

    Path kafka() {
      return dir.resolve("kafka");
    }

    Path gateway() {
      return dir.resolve("gateway");
    }
  }
}
