#!/usr/bin/env bash
# bench/update-bench.sh BATCH.json POLICY.zip [BLOCKS] [ROUNDS]: the update phase, DJL (learner-core's PolicyUpdater,
# bench/UpdateBench.java) against Python PyTorch (bench/update_bench.py) on the same batch, in BLOCKS alternating blocks
# of ROUNDS timed rounds each (default 2 x 3), so both sides see the same load on a shared machine; both start from
# POLICY.zip's weights. BATCH.json and
# POLICY.zip come from a loop-bench run (update-batch.json, warm-start.zip). Prints the best round of each side, the
# ratio PyTorch time / DJL time (>= 1.0: DJL at least as fast), the per-block ratios and the load average.
# Needs Debian's python3-torch (with libopenblas0-openmp) and the built otc-loop module.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. bin/find-jdk.sh
BATCH="$1"; POLICY="$2"; BLOCKS="${3:-2}"; ROUNDS="${4:-3}"
THREADS="${THREADS:-2}"
export OPT_OUT_TRACKING=true OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
CP="$(./mvnw -B -q -o -pl otc-loop dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
echo "update-bench: load average at the start $(cut -d' ' -f1-3 /proc/loadavg)"
for b in $(seq 1 "$BLOCKS"); do
  java -Xss4m --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" \
    -Dai.djl.pytorch.num_interop_threads=1 -cp "otc-loop/target/classes:$CP" bench/UpdateBench.java \
    "$BATCH" "$POLICY" "$ROUNDS" 1 2>/dev/null | sed "s/^/$b /" | tee -a "$OUT"
  /usr/bin/python3 bench/update_bench.py "$BATCH" "$THREADS" "$ROUNDS" "$POLICY" | grep '^torch-round' | sed "s/^/$b /" | tee -a "$OUT"
done
echo "update-bench: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$OUT" "$THREADS" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
best = {}
for block, side, sec in rows:
    best.setdefault(side, []).append(float(sec))
    best.setdefault((block, side), []).append(float(sec))
d, t = min(best['djl-round']), min(best['torch-round'])
print('update-bench: %s threads; best DJL %.3f s, best PyTorch %.3f s -> PyTorch time / DJL time %.2fx (target >= 1.0)'
      % (sys.argv[2], d, t, t / d))
blocks = sorted({r[0] for r in rows}, key=int)
print('update-bench: per block (best of each side): ' + ', '.join(
    '%.2fx' % (min(best[(b, 'torch-round')]) / min(best[(b, 'djl-round')])) for b in blocks))
PY
