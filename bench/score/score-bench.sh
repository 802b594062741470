#!/usr/bin/env bash
# Benchmark of `./otc score`: N lines (default 1,000,000; groups of 5 over 5,000 questions) scored with
# OTC-GRPO by the Java command and by a plain-Python reference scorer, in one run on this machine.
# Prints both times and the ratio, and checks that every output value agrees within 1e-12.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-1000000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

"$PY" - "$N" > "$WORK/in.jsonl" <<'PYGEN'
import json, random, sys
random.seed(7)
n = int(sys.argv[1])
for i in range(n):
    g = i // 5
    print(json.dumps({"trajectory_id": f"t{i}", "group_id": f"g{g}", "question_id": f"q{g % 5000}",
                      "tool_calls": random.randint(0, 5), "correct": random.random() < 0.6}, separators=(",", ":")))
PYGEN

"$ROOT/otc" --version >/dev/null   # builds the CLI first if needed, outside the timing
t0=$(date +%s.%N); OTC_SKIP_BUILD=1 "$ROOT/otc" score --reward otc-grpo --quiet < "$WORK/in.jsonl" > "$WORK/java.jsonl"; t1=$(date +%s.%N)
"$PY" "$ROOT/bench/score/reference_scorer.py" < "$WORK/in.jsonl" > "$WORK/py.jsonl"; t2=$(date +%s.%N)

"$PY" - "$WORK/java.jsonl" "$WORK/py.jsonl" <<'PYCMP'
import json, sys
bad = 0; count = 0
with open(sys.argv[1]) as a, open(sys.argv[2]) as b:
    for la, lb in zip(a, b):
        x, y = json.loads(la), json.loads(lb); count += 1
        for k in ("m", "n", "r_tool", "reward", "advantage"):
            u, v = x[k], y[k]
            if (u is None) != (v is None) or (u is not None and abs(u - v) > 1e-12):
                bad += 1
                if bad <= 3: print(f"mismatch line {count} {k}: java {u} python {v}", file=sys.stderr)
print(f"checked {count} lines, {bad} mismatches")
sys.exit(1 if bad else 0)
PYCMP

awk -v n="$N" -v t0="$t0" -v t1="$t1" -v t2="$t2" 'BEGIN {
  j = t1 - t0; p = t2 - t1
  printf "otc score (Java):       %8.2f s  %10.0f lines/s\n", j, n / j
  printf "Python reference:       %8.2f s  %10.0f lines/s\n", p, n / p
  printf "ratio Java / Python:    %8.1fx\n", p / j }'
