#!/usr/bin/env bash
# One command: the same policy model (d 128, 4 layers, 4 heads, MLP 512, vocab 92 - the prototype's) trained and
# sampled in DJL (./otc policy-bench) and in Python PyTorch (bench/policy_bench.py) on the same CPU, then the ratios.
# Python uses Debian's python3-torch with OpenBLAS (libopenblas0-openmp): without OpenBLAS Debian's torch falls back
# to the reference BLAS and is ~20x slower, which would flatter DJL.
#
# The two engines run alternately, ROUNDS times each (default 2), and each measurement keeps its best round, so a
# burst of load from other processes hurts neither side more than the other. Both sides get the same OpenMP
# environment: OMP_WAIT_POLICY=PASSIVE unless you set it (libgomp's default busy-wait collapses under contention on
# a 2-core machine shared with builds; set OMP_WAIT_POLICY=ACTIVE to measure the spinning default on a quiet machine).
# Usage: bench/policy-bench.sh [THREADS]   (env: ROUNDS, OMP_WAIT_POLICY)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS="${1:-${THREADS:-2}}"
ROUNDS="${ROUNDS:-2}"
PY=/usr/bin/python3   # Debian's torch is for the system interpreter, not a pyenv python3 on PATH
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export OPT_OUT_TRACKING=true

if ! dpkg -s python3-torch libopenblas0-openmp >/dev/null 2>&1; then
  echo "policy-bench: installing python3-torch and libopenblas0-openmp (apt-get)..." >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-openmp >&2
fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
DJL_RUNS=()
PY_RUNS=()
for r in $(seq 1 "$ROUNDS"); do
  echo "policy-bench: round $r/$ROUNDS, DJL (PyTorch engine), $THREADS threads..." >&2
  DJL_RUNS+=("$("$ROOT/otc" policy-bench --threads "$THREADS" | tail -1)")
  echo "policy-bench: round $r/$ROUNDS, Python PyTorch, $THREADS threads..." >&2
  PY_RUNS+=("$(OMP_NUM_THREADS="$THREADS" "$PY" "$ROOT/bench/policy_bench.py" --threads "$THREADS" | tail -1)")
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

"$PY" - "$THREADS" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)" "${#DJL_RUNS[@]}" "${DJL_RUNS[@]}" "${PY_RUNS[@]}" <<'PYEOF'
import json, os, sys
threads, load0, load1, ncpu, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
djl_runs = [json.loads(s) for s in sys.argv[6:6 + n]]
py_runs = [json.loads(s) for s in sys.argv[6 + n:6 + 2 * n]]
best = lambda runs, k: max(r[k] for r in runs)
djl, py = djl_runs[0], py_runs[0]
print(f"\nDJL threads {djl['threads']} | PyTorch {py['torch']} ({py['blas']}) threads {py['threads']} | "
      f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')} | {n} alternating rounds, best kept | "
      f"{ncpu} CPUs, load average {load0} before, {load1} after\n")
print("| measurement | DJL tok/s | PyTorch tok/s | DJL / PyTorch | DJL rounds | PyTorch rounds |")
print("|---|---|---|---|---|---|")
names = {"train_tok_s": "train (fwd+bwd+AdamW), B 128, L 48"}
for k in djl:
    if k.endswith("_tok_s") and k in py:
        label = names.get(k, "generation, KV cache, " + k.split("_")[1].replace("b", "B "))
        d, p = best(djl_runs, k), best(py_runs, k)
        rd = " / ".join(f"{r[k]:.0f}" for r in djl_runs)
        rp = " / ".join(f"{r[k]:.0f}" for r in py_runs)
        print(f"| {label} | {d:.0f} | {p:.0f} | {d / p:.2f}x | {rd} | {rp} |")
PYEOF
