package ai.otc.platform.kafka;

/** One running life of a broker (from a start to a stop or a kill), in this JVM or in a child JVM. */
interface BrokerRunner {

  /** Starts the server; returns once it was launched (readiness is awaited by {@link KafkaBroker}). */
  void start() throws Exception;

  /** Whether it failed already (a child that exited); used to stop waiting for readiness early. */
  default String failure() {
    return null;
  }

  /** The broker's own process, when it has one. */
  default java.util.Optional<ProcessHandle> process() {
    return java.util.Optional.empty();
  }

  /** A graceful stop: logs flushed, a clean shutdown marker written. */
  void stop() throws Exception;

  /** SIGKILL (child JVM only). */
  void kill() throws Exception;

  /** SIGSTOP (child JVM only). */
  void pause();

  /** SIGCONT (child JVM only). */
  void resume();
}
