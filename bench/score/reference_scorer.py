#!/usr/bin/env python3
"""A plain-Python OTC scorer for the tool_calls + correct input of `otc score`, written from OTC.md
(§1.3, §2, §6.1) independently of the Java code. Used by score-bench.sh as the speed baseline and as
a cross-check of every output value. Streams stdin to stdout, one group at a time."""
import json, math, statistics, sys

def r_tool_grpo(m, n, c):
    if n == 0:
        return 1.0 if m == 0 else math.cos(m * math.pi / (2 * m + c))
    f = 2 * n * m / (m + n)
    return math.sin(f * math.pi / (2 * n))

def advantages(rewards):
    if len(rewards) == 1:
        mean, std = 0.0, 1.0
    else:
        mean, std = statistics.fmean(rewards), statistics.stdev(rewards)
    return [(r - mean) / (std + 1e-6) for r in rewards]

def main(c=4.0):
    history = {}
    out = sys.stdout
    group, gid = [], None
    def flush():
        q = group[0]["question_id"]
        local = min((g["tool_calls"] for g in group if g["correct"]), default=None)
        n = history.get(q)
        if local is not None and (n is None or local < n):
            n = history[q] = local
        rewards, tools = [], []
        for g in group:
            rt = None if n is None else r_tool_grpo(g["tool_calls"], n, c)
            tools.append(rt)
            rewards.append(0.0 if (rt is None or not g["correct"]) else rt)
        for g, rt, r, a in zip(group, tools, rewards, advantages(rewards)):
            g.update(m=g["tool_calls"], r_phi=1.0 if g["correct"] else 0.0, r_tool=rt, reward=r, n=n, advantage=a)
            out.write(json.dumps(g, separators=(",", ":")) + "\n")
        group.clear()
    for line in sys.stdin:
        d = json.loads(line)
        if d["group_id"] != gid and group:
            flush()
        gid = d["group_id"]
        group.append(d)
    if group:
        flush()

if __name__ == "__main__":
    main()
