package ai.otc.rollout.loop;

import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.policy.model.DjlRuntime;
import ai.otc.rollout.config.RolloutBeans;
import ai.otc.rollout.config.RolloutServiceConfig;
import ai.otc.rollout.gateway.GatewayClientConfig;
import ai.otc.rollout.gateway.GatewayToolBackend;
import ai.otc.rollout.messaging.KafkaClients;
import ai.otc.rollout.messaging.TopicInitializer;
import ai.otc.rollout.messaging.TrajectoryPublisher;
import ai.otc.rollout.metrics.MicrometerRolloutMetrics;
import ai.otc.rollout.plan.QuestionPlan;
import ai.otc.rollout.policy.PolicyFeed;
import ai.otc.rollout.policy.PolicyFollower;
import ai.otc.rollout.policy.StorePolicyLoader;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.World;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The service's lifecycle: at start it checks the configuration (every refusal names its key; the application does
 * not start), builds the plain parts (question plan, policy follower and its Kafka feed, gateway client, trajectory
 * publisher, {@link RolloutLoop}) and starts the feed thread and the generation thread (which first makes sure the
 * topics exist); at shutdown it stops taking new batches, lets the batch in flight finish within
 * {@code otc.rollout.drain-timeout}, and closes everything (native model memory included).
 */
@ApplicationScoped
public class RolloutService {
  private static final Logger LOG = Logger.getLogger(RolloutService.class);

  @Inject RolloutServiceConfig config;
  @Inject MicrometerRolloutMetrics metrics;

  /** The broker and its security settings, carried by every Kafka client of the service. */
  @Inject KafkaConnection kafka;

  private ManagedChannel channel;
  private GatewayToolBackend gateway;
  private PolicyFollower follower;
  private PolicyFeed feed;
  private TrajectoryPublisher publisher;
  private RolloutLoop loop;
  private Thread loopThread;
  private volatile boolean stopping;

  void onStart(@Observes StartupEvent ev) {
    start();
  }

  void onStop(@Observes ShutdownEvent ev) {
    stop();
  }

  synchronized void start() {
    RolloutServiceConfig c = config;
    RolloutBeans.checkInstances(c);
    World world = RolloutBeans.world(c);
    QuestionPlan plan = RolloutBeans.plan(c, world);
    SamplerConfig samplerConfig = RolloutBeans.sampler(c);
    GatewayClientConfig gatewayConfig = RolloutBeans.gateway(c);
    StorePolicyLoader loader;
    try {
      loader = new StorePolicyLoader(c.policyStore(), c.device());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("otc.rollout.policy-store (" + c.policyStore() + "): " + e.getMessage(), e);
    }
    checkDevice(c.device());
    channel = Grpc.newChannelBuilder(c.gateway().target(), InsecureChannelCredentials.create()).build();
    gateway = new GatewayToolBackend(channel, gatewayConfig);
    follower = new PolicyFollower(c.runId(), loader, metrics, System::nanoTime, c.backoff(), c.maxBackoff());
    feed = new PolicyFeed(KafkaClients.consumer(kafka, c.runId(), c.instanceIndex(), c.consumer()), c.topics().policy(),
        follower, metrics);
    publisher = new TrajectoryPublisher(KafkaClients.producer(kafka, c.runId(), c.instanceIndex(), c.producer()),
        c.topics().rollouts(), TrajectoryPublisher.transactionalId(c.runId(), c.instanceIndex()));
    loop = new RolloutLoop(new RolloutLoop.Settings(c.runId(), c.staleness(), c.maxBatches(),
        c.untilVersion().orElse(RolloutLoop.NO_LAST_VERSION), c.backoff(), c.maxBackoff(), c.progressInterval()), follower, plan, new GatewaySampling(c.runId(), c.seed(), samplerConfig, gateway, metrics),
        publisher, metrics);
    LOG.infof("rollout-service run=%s instance=%d/%d world=%s (%d train questions) seed=%d B=%d G=%d share=%d staleness=%d"
            + " max-batches=%d until-version=%s temperature=%s top-p=%s max-turns=%d max-code-calls=%d top-k=%d device=%s policy-store=%s"
            + " gateway=%s deadline=%s topics=%s,%s kafka=%s", c.runId(), c.instanceIndex(), c.instanceCount(), c.world(),
        plan.trainSize(), c.seed(), c.questionsPerStep(), c.groupSize(), plan.sharePositions().length, c.staleness(),
        c.maxBatches(), c.untilVersion().map(String::valueOf).orElse("-"), c.temperature(), c.topP(), c.maxTurns(), c.maxCodeCalls(), c.topK(), c.device(), loader.root().toUri(),
        c.gateway().target(), c.gateway().deadline(), c.topics().rollouts(), c.topics().policy(), kafka);
    LOG.infof("engine: %s", DjlRuntime.describe());
    feed.start();
    loopThread = new Thread(this::runLoop, "rollout-generation");
    loopThread.setDaemon(true);
    loopThread.start();
  }

  /** A GPU asked for must exist: refused at start rather than at the first model. */
  private static void checkDevice(String device) {
    if (device.startsWith("gpu")) {
      int gpus = DjlRuntime.engine().getGpuCount();
      int want = device.equals("gpu") ? 0 : Integer.parseInt(device.substring(4));
      if (want >= gpus) {
        throw new IllegalArgumentException("otc.rollout.device (" + device + "): the PyTorch engine reports " + gpus
            + " GPU(s); use cpu or auto (a GPU run needs the CUDA build of the PyTorch native library on the class path)");
      }
    }
  }

  private void runLoop() {
    long wait = 1000;
    while (!stopping) {
      try {
        TopicInitializer.ensure(KafkaClients.admin(kafka, config.runId(), config.instanceIndex()), config.topics().rollouts(),
            config.topics().policy(), config.topics().create(), config.topics().replicationFactor());
        break;
      } catch (RuntimeException e) {
        LOG.errorf("topics not ready (%s); retrying in %d ms", e.getMessage(), wait);
        sleep(wait);
        wait = Math.min(wait * 2, 30_000);
      }
    }
    if (!stopping) {
      loop.run();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized void stop() {
    if (stopping || loop == null) {
      return;
    }
    stopping = true;
    loop.stop();
    try {
      loopThread.join(Math.max(1, config.drainTimeout().toMillis()));
      if (loopThread.isAlive()) {
        LOG.warnf("the batch in flight did not finish within %s; stopping anyway (it is generated again at the next start)",
            config.drainTimeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    feed.close();
    publisher.close();
    gateway.close();
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    follower.close();
  }

  /** The loop's state (for health checks). */
  public RolloutLoop.Status status() {
    return loop == null ? new RolloutLoop.Status(RolloutLoop.State.WAITING_FOR_POLICY, -1, 0, 0, "") : loop.status();
  }

  /** Whether the generation thread is running (or finished normally: max-batches, fenced, stopped). */
  public boolean loopAlive() {
    return loopThread != null && (loopThread.isAlive() || stopping || status().state() == RolloutLoop.State.DONE
        || status().state() == RolloutLoop.State.FENCED);
  }

  /** Whether the policy feed thread is running. */
  public boolean feedAlive() {
    return feed != null && (feed.alive() || stopping);
  }

  /** The policy follower (versions, load errors). */
  public PolicyFollower follower() {
    return follower;
  }

  /** The channel to the gateway (for the readiness probe). */
  public ManagedChannel gatewayChannel() {
    return channel;
  }

  /** Whether shutdown has begun. */
  public boolean stopping() {
    return stopping;
  }
}
