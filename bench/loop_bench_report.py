#!/usr/bin/env python3
"""Summarises a bench/loop-bench.sh run directory: the platform step's time split, the in-process step, the ratios."""
import json
import re
import sys


def mean(xs):
    """The median: one step slowed by another process on 2 cores must not decide the result."""
    xs = sorted(xs)
    if not xs:
        return float('nan')
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def prometheus(path):
    """name{labels} -> value of a Prometheus text page."""
    out = {}
    try:
        for line in open(path):
            if line.startswith('#') or not line.strip():
                continue
            key, _, value = line.rpartition(' ')
            out[key] = float(value)
    except OSError:
        pass
    return out


def main():
    d = sys.argv[1]
    # Medians over the steps after the first (a warm-up). In process: "step N ... | gen G tools T reward R update U ms"
    local = []
    for line in open(d + '/in-process.log'):
        m = re.search(r'gen ([0-9.]+) tools ([0-9.]+) reward ([0-9.]+) update ([0-9.]+) ms', line)
        if m:
            local.append([float(x) / 1000 for x in m.groups()])
    steady = local[1:] or local
    gen, tools, reward, update = (mean([r[i] for r in steady]) for i in range(4))
    local_step = gen + tools + reward + update

    rows = [json.loads(l) for l in open(d + '/platform-metrics.jsonl') if l.strip()]
    times = [r['time'] for r in rows]
    # StepMetrics.time is an RFC 3339 timestamp in JSON; the publication times give the step's wall time.
    from datetime import datetime
    ts = [datetime.fromisoformat(t.replace('Z', '+00:00')).timestamp() for t in times]
    walls = [b - a for a, b in zip(ts, ts[1:])]
    step = mean(walls)
    ex = [r.get('extra', {}) for r in rows[1:]] or [r.get('extra', {}) for r in rows]
    upd = mean([e.get('update_seconds', 0) for e in ex])
    store = mean([e.get('store_seconds', 0) for e in ex])
    ckpt = mean([e.get('checkpoint_seconds', 0) for e in ex])

    p = prometheus(d + '/rollout-metrics.txt')
    batches = p.get('otc_rollout_batches_total', 0) or 1

    def phase(name):
        return p.get('otc_rollout_phase_seconds_sum{phase="%s"}' % name, 0) / batches

    r_gen, r_tools, r_pub = phase('generation'), phase('tools'), phase('publish')
    load = p.get('otc_rollout_policy_load_seconds_sum', 0) / max(1, p.get('otc_rollout_policy_load_seconds_count', 1))
    accounted = r_gen + r_tools + upd
    transport = step - accounted - ckpt
    weights = store + load
    print('\n## loop-bench (%s)\n' % d)
    print('| phase | platform (s/step) | in process (s/step) |')
    print('|---|---|---|')
    print('| generation | %.3f | %.3f |' % (r_gen, gen))
    print('| tool calls | %.3f (gRPC, gateway) | %.3f (in process) |' % (r_tools, tools))
    print('| reward | (in transport) | %.3f |' % reward)
    print('| update | %.3f | %.3f |' % (upd, update))
    print('| checkpoint | %.3f | - |' % ckpt)
    print('| weight publication (store write) + load | %.3f + %.3f | - |' % (store, load))
    print('| trajectory publish (rollout) | %.3f | - |' % r_pub)
    print('| transport: everything else (Kafka hops, reward service, polling, weights) | %.3f | - |' % transport)
    print('| **step** | **%.3f** | **%.3f** |' % (step, local_step))
    print()
    print('transport / platform step: %.1f %% (target <= 5 %%)' % (100 * transport / step))
    print('platform step / in-process step: %.2fx (target <= 1.2x)' % (step / local_step))
    print('the same without the tool phase (real sandboxed python and gRPC search vs the in-process stand-ins): '
          '%.2fx' % ((step - r_tools) / (local_step - tools)))
    print('load average at the end: %s' % open('/proc/loadavg').read().strip())
    print(open(d + '/update-bench.txt').read().strip())


if __name__ == '__main__':
    main()
