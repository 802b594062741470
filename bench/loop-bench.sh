#!/usr/bin/env bash
# bench/loop-bench.sh [STEPS]: one RL step of the platform (Kafka + gRPC + four services) against the same step in one
# process (otc-loop's LocalRun), and the update phase against Python PyTorch on the same batch.
#
# Fixed configuration: the default world, its cached default warm start, OTC-GRPO, 32 questions x G 8, staleness 0
# (synchronous, so the phases of a step add up and can be split), STEPS steps (default 6; the first
# LOOP_BENCH_WARMUP, default 1, are a warm-up and left out of the means; steady state: 20 steps, warm-up 10). Prints the time split of a platform step, the in-process step, and three ratios:
#   transport (Kafka hops + reward + weight publication and load) / platform step      target <= 5 %
#   platform step / in-process step                                                   target <= 1.2x
#   update phase: Python PyTorch time / DJL time on the same batch                     target >= 1.0x
# Needs Debian's python3-torch with libopenblas0-openmp for the third ratio (skipped without it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. bin/find-jdk.sh
STEPS="${1:-6}"
# LOOP_BENCH_WARMUP=W: the first W steps of every run are left out of the means (default 1); freshly started services
# run interpreted at first, and a short run's means would measure their JIT warm-up (see bench/README.md)
WARMUP="${LOOP_BENCH_WARMUP:-1}"
export LOOP_BENCH_WARMUP="$WARMUP"
OUT="${OUT:-$ROOT/runs/loop-bench-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
export OPT_OUT_TRACKING=true OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

echo "loop-bench: building (otc-cli, the services, otc-loop)..." >&2
# MAVEN_OPTS=-Dmaven.repo.local=DIR keeps the build in a private repository (several worktrees on one machine)
# LOOP_BENCH_SKIP_BUILD=1: use what is built (after the same install by hand)
[ "${LOOP_BENCH_SKIP_BUILD:-}" = 1 ] \
  || ./mvnw -B -q -DskipTests install -pl otc-cli,otc-loop,tool-gateway,reward-service,rollout-service,learner-service -am >&2
[ -f data/world/train.jsonl ] || ./otc world >&2
POLICY="$OUT/warm-start.zip"
./otc warmstart -o "$POLICY" > "$OUT/warmstart.log" 2>&1 \
  || { echo "loop-bench: ./otc warmstart failed, see $OUT/warmstart.log" >&2; exit 1; }
echo "loop-bench: warm start $POLICY; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# LOOP_BENCH_JFR=1: a JFR profile of every JVM (the in-process one and the platform's services) under $OUT/jfr/
JFR=()
if [ "${LOOP_BENCH_JFR:-}" = 1 ]; then
  mkdir -p "$OUT/jfr"
  JFR=("-XX:StartFlightRecording=filename=$OUT/jfr/,settings=profile")
  export OTC_SERVICE_JAVA_OPTS="${OTC_SERVICE_JAVA_OPTS:-} ${JFR[0]}"
fi

# 1. In one process: sampler + reward scoring + update, no Kafka, no gRPC. Twice: with the gateway's own search and
# sandbox called as a library (otc-loop's LibraryTools: the same tool work as the platform, the ratio's baseline), and
# with policy-offline's stand-ins (programs evaluated in Java, no process: what the tool work itself costs).
CP="$(./mvnw -B -q -o -pl otc-loop dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
# its CPU seconds (user, system) and wall seconds, for the CPU per step beside the platform's parts
TIMEFORMAT='%U %S %R'
{ time java "${JFR[@]}" -Xss4m --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dai.djl.offline=true \
  -Dbench-update="$OUT/update-batch.json" -Dtools=library -Dindex-dir="$OUT/index" \
  -cp "otc-loop/target/classes:$CP" ai.otc.loop.LocalRun data/world "$POLICY" otc-grpo "$STEPS" 0 32 8 \
  > "$OUT/in-process.log" 2> "$OUT/in-process.err"; } 2> "$OUT/in-process.cpu"
java -Xss4m --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dtools=stand-in \
  -cp "otc-loop/target/classes:$CP" ai.otc.loop.LocalRun data/world "$POLICY" otc-grpo "$STEPS" 0 32 8 \
  > "$OUT/in-process-stand-in.log" 2> "$OUT/in-process-stand-in.err"

# 2. The platform: ./otc train, rollout metrics scraped while it runs (its counters die with it).
# LOOP_BENCH_SET: --set PART:KEY=VALUE flags for ./otc train (default none). A K=0 step waits for the reward service's
# commit; it commits as soon as its input is drained (otc.reward.commit-when-idle, see bench/README.md); A/B it with
# LOOP_BENCH_BASELINE_SET="--set reward:otc.reward.commit-when-idle=false".
# LOOP_BENCH_BASELINE_SET (when set, even empty): the platform runs twice in this command, first with these flags
# ("baseline/"), then with LOOP_BENCH_SET ("platform/"), so a setting's effect is measured against its own baseline.
LOOP_BENCH_SET="${LOOP_BENCH_SET-}"

# CPU seconds of each part so far ("name utime+stime cutime+cstime jit", reaped children such as the sandboxes included;
# jit: its C1/C2 compiler threads, part of utime+stime: a JVM still compiling after the warm-up steps is not warm)
cpu_sample() { # RUN DIR
  local f="runs/$1/processes.json"
  [ -f "$f" ] || return 0
  # (while the parts stop, a sample lacks some of them: the last full one stays)
  /usr/bin/python3 - "$f" > "$2/cpu-now.tmp" <<'PY' \
    && [ "$(wc -l < "$2/cpu-now.tmp")" -ge "$(cat "$2/cpu-now.txt" 2>/dev/null | wc -l)" ] \
    && mv "$2/cpu-now.tmp" "$2/cpu-now.txt"
import json, os, sys
tck = os.sysconf('SC_CLK_TCK')
for p in json.load(open(sys.argv[1])).get('processes', []):
    try:
        f = open('/proc/%d/stat' % p['pid']).read().rsplit(')', 1)[1].split()
    except OSError:
        continue
    jit = 0
    for t in os.listdir('/proc/%d/task' % p['pid']):
        try:
            s = open('/proc/%d/task/%s/stat' % (p['pid'], t)).read()
        except OSError:
            continue
        if s[s.index('(') + 1:].startswith(('C1 Compiler', 'C2 Compiler')):
            g = s.rsplit(')', 1)[1].split()
            jit += int(g[11]) + int(g[12])
    print(p['name'], (int(f[11]) + int(f[12])) / tck, (int(f[13]) + int(f[14])) / tck, jit / tck)
PY
}

platform() { # DIR SET-FLAGS [STALENESS, default 0]
  local dir="$1" run="loop-bench-$$-$(basename "$(dirname "$1")")-$(basename "$1")"
  mkdir -p "$dir"
  echo "loop-bench: platform $(basename "$dir") (${2:-no --set}); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  echo "${2:-}" > "$dir/set.txt"
  # shellcheck disable=SC2086
  ./otc train --reward otc-grpo --steps "$STEPS" --seed 0 --staleness "${3:-0}" --group-size 8 --questions-per-step 32 \
    --initial-policy "$POLICY" --run-id "$run" --rollout-port 18095 ${2:-} > "$dir/platform.log" 2>&1 &
  TRAIN=$!
  trap 'kill -INT $TRAIN 2>/dev/null || true' EXIT
  while kill -0 $TRAIN 2>/dev/null; do
    cpu_sample "$run" "$dir" || true
    # the gateway's counters (sandbox runs, joined code calls, cache hits): how many programs really ran
    if curl -sf http://127.0.0.1:8090/q/metrics > "$dir/gateway-metrics.tmp" 2>/dev/null; then
      mv "$dir/gateway-metrics.tmp" "$dir/gateway-metrics.txt"
    fi
    if curl -sf http://127.0.0.1:18095/q/metrics > "$dir/rollout-metrics.tmp" 2>/dev/null; then
      mv "$dir/rollout-metrics.tmp" "$dir/rollout-metrics.txt"
      # the counters after the warm-up batches, so the means can leave them out as the in-process ones do
      if [ ! -f "$dir/rollout-metrics-first.txt" ] && awk -v w="$WARMUP" '$1=="otc_rollout_batches_total" && $2+0 >= w {f=1} END {exit !f}' "$dir/rollout-metrics.txt"; then
        cp "$dir/rollout-metrics.txt" "$dir/rollout-metrics-first.txt"
        if [ -f "$dir/cpu-now.txt" ]; then cp "$dir/cpu-now.txt" "$dir/cpu-first.txt"; fi
      fi
    fi
    sleep 0.5
  done
  wait $TRAIN || { echo "loop-bench: ./otc train failed, see $dir/platform.log" >&2; exit 1; }
  trap - EXIT
  cp "runs/$run/metrics.jsonl" "$dir/platform-metrics.jsonl"
}

if [ -n "${LOOP_BENCH_BASELINE_SET+x}" ]; then
  platform "$OUT/baseline" "$LOOP_BENCH_BASELINE_SET"
fi
platform "$OUT/platform" "$LOOP_BENCH_SET"
# LOOP_BENCH_K1=1: each pair also runs the platform at ./otc train's default staleness, K = 1 (platform-k1/): the
# rollout generates the next batch while the learner trains on the last one, so the phases overlap and the step's
# split does not add up; only its wall time and CPU are reported, against the same in-process (sequential) step.
if [ "${LOOP_BENCH_K1:-}" = 1 ]; then platform "$OUT/platform-k1" "$LOOP_BENCH_SET" 1; fi

# 2b. The in-process run once more, with the platform's tool path (a tool gateway over gRPC, metering to its broker)
# and nothing else of the platform: what gRPC and the gateway cost, apart from the other services' company on the
# same cores. Its gateway comes from ./otc up --no-run (stopped after), unless a platform is up already.
STARTED_UP=0
if [ ! -f runs/platform/state.json ]; then
  ./otc up --no-run > "$OUT/up.log" 2>&1 || { echo "loop-bench: ./otc up --no-run failed, see $OUT/up.log" >&2; exit 1; }
  STARTED_UP=1
  trap './otc down > /dev/null 2>&1 || true' EXIT
fi
GATEWAY="$(/usr/bin/python3 -c 'import json; s=json.load(open("runs/platform/state.json")); print(next(p["endpoint"] for p in s["parts"] if p["name"]=="gateway"))')"
java -Xss4m --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dtools=gateway -Dgateway="$GATEWAY" \
  -Dgateway-token-file=runs/platform/gateway.token \
  -cp "otc-loop/target/classes:$CP" ai.otc.loop.LocalRun data/world "$POLICY" otc-grpo "$STEPS" 0 32 8 \
  > "$OUT/in-process-gateway.log" 2> "$OUT/in-process-gateway.err"
if [ "$STARTED_UP" = 1 ]; then
  ./otc down > /dev/null 2>&1 || true
  trap - EXIT
fi

# 2c. LOOP_BENCH_PAIRS=N (default 1): N-1 more pairs of the in-process run and the platform run, alternated, each in
# $OUT/pair-K/; the host's speed drifts by 20-30 % over minutes here, so one pair's ratio is as much the host's as the
# platform's: the report gives each pair's ratio and the median.
for ((k = 2; k <= ${LOOP_BENCH_PAIRS:-1}; k++)); do
  mkdir -p "$OUT/pair-$k"
  java -Xss4m --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dai.djl.offline=true \
    -Dtools=library -Dindex-dir="$OUT/index" \
    -cp "otc-loop/target/classes:$CP" ai.otc.loop.LocalRun data/world "$POLICY" otc-grpo "$STEPS" 0 32 8 \
    > "$OUT/pair-$k/in-process.log" 2> "$OUT/pair-$k/in-process.err"
  platform "$OUT/pair-$k/platform" "$LOOP_BENCH_SET"
  if [ "${LOOP_BENCH_K1:-}" = 1 ]; then platform "$OUT/pair-$k/platform-k1" "$LOOP_BENCH_SET" 1; fi
done

# 3. The update phase, DJL against Python PyTorch, on the batch the in-process run trained last, interleaved.
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  bench/update-bench.sh "$OUT/update-batch.json" "$POLICY" 2 3 > "$OUT/update-bench.txt"
else
  echo "update-bench: skipped (no python3-torch)" > "$OUT/update-bench.txt"
fi

if [ -d "$OUT/baseline" ]; then
  /usr/bin/python3 bench/loop_bench_report.py "$OUT" baseline
fi
/usr/bin/python3 bench/loop_bench_report.py "$OUT" platform
if [ "${LOOP_BENCH_PAIRS:-1}" -gt 1 ] || [ "${LOOP_BENCH_K1:-}" = 1 ]; then
  /usr/bin/python3 bench/loop_bench_report.py "$OUT" --pairs
fi
