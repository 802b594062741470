#!/usr/bin/env bash
# Benchmark of reward-service, one command: for groups of 5 and of 16, the raw consume rate of a rollouts topic on this
# machine (a plain read_committed consumer, best of 3 passes), the copy ceiling (an exactly-once consume-produce loop that
# writes each group's bytes back without decoding or scoring them) and the scored trajectories per second through the
# packaged service (its own JVM, default settings), against a single-node KRaft broker on 127.0.0.1 started in the
# benchmark's JVM. Prints the rates and the ratios (issue target: service >= 50 % of raw consume).
#
#   bench/reward-bench.sh [trajectories per group size, default 1000000] [group sizes, default 5,16]
#
# Set SKIP_BUILD=1 to reuse an existing build of reward-core and reward-service.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/find-jdk.sh"
cd "$ROOT"
if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f reward-service/target/quarkus-app/quarkus-run.jar ]; then
  echo "reward-bench: building otc-testkit, reward-core and reward-service (tests compiled, not run)..." >&2
  ./mvnw -B -q -pl otc-testkit,reward-core,reward-service install -DskipTests >&2
fi
CP_FILE=reward-service/target/bench.classpath
./mvnw -B -q -pl reward-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=bench.classpath.tmp >&2
mv reward-service/bench.classpath.tmp "$CP_FILE" 2>/dev/null || mv reward-service/target/bench.classpath.tmp "$CP_FILE" 2>/dev/null || true
[ -s "$CP_FILE" ] || { echo "reward-bench: could not compute the test classpath" >&2; exit 1; }
LOGDIR="$(mktemp -d)"
echo "reward-bench: broker and service logs under $LOGDIR" >&2
N="${1:-1000000}"
SIZES="${2:-5,16}"
CP="reward-service/target/test-classes:reward-service/target/classes:$(cat "$CP_FILE")"
RESULTS=()
# One JVM (broker + reader) per group size: a second broker started in the same JVM after a service run stopped
# accepting writes in our runs (cause not found), so each size gets a fresh process.
for SIZE in ${SIZES//,/ }; do
  java -Xmx2g ${BENCH_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED \
    -Dotc.app.dir="$ROOT/reward-service/target/quarkus-app" \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$CP" ai.otc.reward.bench.RewardBench "$N" "$SIZE" 2> "$LOGDIR/bench-g$SIZE.stderr" | tee "$LOGDIR/bench-g$SIZE.out" \
    || { echo "reward-bench: the run for groups of $SIZE failed; see $LOGDIR/bench-g$SIZE.stderr" >&2; tail -5 "$LOGDIR/bench-g$SIZE.stderr" >&2; exit 1; }
  RESULTS+=("$(tail -n 1 "$LOGDIR/bench-g$SIZE.out")")
done
echo
echo "reward-bench: $(nproc) cores, $(java -version 2>&1 | head -n 1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %12s %8s %16s %14s %18s %7s %10s\n' group trajectories bytes "raw consume/s" "copy ceiling/s" "service scored/s" ratio "of ceiling"
printf '%s\n' "${RESULTS[@]}"
