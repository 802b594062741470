#!/usr/bin/env bash
# One command: the same policy model (d 128, 4 layers, 4 heads, MLP 512, vocab 92 - the prototype's) trained and
# sampled in DJL (./otc policy-bench) and in Python PyTorch (bench/policy_bench.py) on the same CPU, one after the
# other, then the ratios. Python uses Debian's python3-torch with OpenBLAS (libopenblas0-openmp): without OpenBLAS
# Debian's torch falls back to the reference BLAS and is ~20x slower, which would flatter DJL.
# Usage: bench/policy-bench.sh [THREADS]   (default 2; numbers depend on machine load - run it on a quiet machine)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS="${1:-${THREADS:-2}}"
PY=/usr/bin/python3   # Debian's torch is for the system interpreter, not a pyenv python3 on PATH

if ! dpkg -s python3-torch libopenblas0-openmp >/dev/null 2>&1; then
  echo "policy-bench: installing python3-torch and libopenblas0-openmp (apt-get)..." >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-openmp >&2
fi

echo "policy-bench: DJL (PyTorch engine), $THREADS threads..." >&2
DJL_JSON="$("$ROOT/otc" policy-bench --threads "$THREADS" | tail -1)"
echo "policy-bench: Python PyTorch, $THREADS threads..." >&2
PY_JSON="$(OMP_NUM_THREADS="$THREADS" "$PY" "$ROOT/bench/policy_bench.py" --threads "$THREADS" | tail -1)"

"$PY" - "$DJL_JSON" "$PY_JSON" <<'PYEOF'
import json, sys
djl, py = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"\nDJL threads {djl['threads']} | PyTorch {py['torch']} ({py['blas']}) threads {py['threads']}\n")
print("| measurement | DJL tok/s | PyTorch tok/s | DJL / PyTorch |")
print("|---|---|---|---|")
names = {"train_tok_s": "train (fwd+bwd+AdamW), B 128, L 48"}
for k in djl:
    if k.endswith("_tok_s") and k in py:
        label = names.get(k, "generation, KV cache, " + k.split("_")[1].replace("b", "B "))
        print(f"| {label} | {djl[k]:.0f} | {py[k]:.0f} | {djl[k] / py[k]:.2f}x |")
PYEOF
