#!/usr/bin/env python3
"""Summarises a bench/loop-bench.sh run directory: the platform step's time split, the in-process step, the ratios."""
import json
import os
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


def cpu_table(path):
    out = {}
    try:
        for line in open(path):
            # older samples have no jit column
            name, own, children, *jit = line.split()
            out[name] = (float(own), float(children), float(jit[0]) if jit else 0.0)
    except OSError:
        pass
    return out


def in_process(path):
    """The phase times (s) of each step of a LocalRun log: "step N ... | gen G tools T reward R update U ms"."""
    out = []
    for line in open(path):
        m = re.search(r'gen ([0-9.]+) tools ([0-9.]+) reward ([0-9.]+) update ([0-9.]+) ms', line)
        if m:
            out.append([float(x) / 1000 for x in m.groups()])
    return out


def cpu_report(d, pd, batches, local_step, local_steps):
    """CPU seconds per step of each platform part (after the warm-up), beside the in-process JVM's, and the floor they
    put under the platform's step on this machine's cores."""
    now, first = cpu_table(pd + '/cpu-now.txt'), cpu_table(pd + '/cpu-first.txt')
    if not now or not first:
        return
    parts = []
    total = jit_total = 0
    for name, (own, children, jit) in now.items():
        o0, c0, j0 = first.get(name, (0, 0, 0))
        per = (own - o0 + children - c0) / batches
        total += per
        jit_total += (jit - j0) / batches
        extra = []
        if children > c0:
            extra.append('children %.2f' % ((children - c0) / batches))
        if jit > j0:
            extra.append('JIT %.2f' % ((jit - j0) / batches))
        parts.append('%s %.2f' % (name, per) + (' (%s)' % ', '.join(extra) if extra else ''))
    print('CPU seconds per platform step (after the warm-up): ' + ', '.join(parts)
          + '; total %.2f, of which the JIT compilers %.2f' % (total, jit_total))
    steady = [c for c in in_process_cpu(d + '/in-process.log')[WARMUP:]]
    if steady:
        # LocalRun prints each step's CPU time (every thread of its JVM, the JIT's included)
        local_cpu = mean(steady)
        print('CPU seconds per in-process step (after the warm-up): %.2f (%.0f %% of its step)' % (local_cpu, 100 * local_cpu / local_step))
    else:
        try:
            user, sys_, wall = (float(x) for x in open(d + '/in-process.cpu').read().split())
            print('CPU seconds per in-process step: %.2f (whole run incl. start-up, %d steps; %.0f %% of its wall time)' % (
                (user + sys_) / local_steps, local_steps, 100 * (user + sys_) / wall))
        except (OSError, ValueError):
            pass
    cores = os.cpu_count() or 1
    # Even with every phase overlapped, a step cannot take less than its CPU time spread over all cores.
    print('the floor that CPU puts under the platform step on %d cores: %.3f s = %.2fx the in-process step (%.2fx without '
          'the JIT still compiling)' % (cores, total / cores, total / cores / local_step, (total - jit_total) / cores / local_step))


def in_process_cpu(path):
    """The CPU seconds of each step of a LocalRun log ("... update U ms cpu C ms"); empty for older logs."""
    out = []
    for line in open(path):
        m = re.search(r'update [0-9.]+ ms cpu ([0-9.]+) ms', line)
        if m:
            out.append(float(m.group(1)) / 1000)
    return out


# Steps left out of every mean as warm-up (LOOP_BENCH_WARMUP, default 1): freshly started JVMs run their hot paths
# interpreted at first. On 10 steps the gateway's tool path fell from 1.13 s (step 1) to 0.22-0.29 s (steps 9-10)
# against 0.12 s for the same calls in one warm JVM, so a short run's means measure the services' JIT warm-up.
WARMUP = max(1, int(os.environ.get('LOOP_BENCH_WARMUP', '1')))


def platform_step(pd):
    """The platform run in pd: (mean step wall, transport) after the warm-up, as main() computes them."""
    rows = [json.loads(l) for l in open(pd + '/platform-metrics.jsonl') if l.strip()]
    from datetime import datetime
    ts = [datetime.fromisoformat(r['time'].replace('Z', '+00:00')).timestamp() for r in rows]
    walls = [b - a for a, b in zip(ts[WARMUP - 1:], ts[WARMUP:])] or [b - a for a, b in zip(ts, ts[1:])]
    step = mean(walls)
    ex = [r.get('extra', {}) for r in rows[WARMUP:]] or [r.get('extra', {}) for r in rows]
    upd = mean([e.get('update_seconds', 0) for e in ex])
    ckpt = mean([e.get('checkpoint_seconds', 0) for e in ex])
    p = prometheus(pd + '/rollout-metrics.txt')
    first = prometheus(pd + '/rollout-metrics-first.txt')
    batches = (p.get('otc_rollout_batches_total', 0) - first.get('otc_rollout_batches_total', 0)) or 1
    ph = lambda n: (p.get('otc_rollout_phase_seconds_sum{phase="%s"}' % n, 0)
                    - first.get('otc_rollout_phase_seconds_sum{phase="%s"}' % n, 0)) / batches
    return step, step - ph('generation') - ph('tools') - upd - ckpt


def pairs(d):
    """LOOP_BENCH_PAIRS: the in-process and platform runs alternated; one ratio per pair, and their median. With
    LOOP_BENCH_K1, each pair's platform run at staleness 1 too (its wall time only: its phases overlap)."""
    dirs = [d] + sorted(os.path.join(d, x) for x in os.listdir(d) if x.startswith('pair-'))
    k1 = all(os.path.exists(pd + '/platform-k1/platform-metrics.jsonl') for pd in dirs)
    if len(dirs) < 2 and not k1:
        return
    print('\n## interleaved pairs (in process, then the platform; the speed of the host drifts between runs)\n')
    print('| pair | in-process step (s) | platform step, K = 0 (s) | K = 0 / in process | transport / K = 0 step |%s'
          % (' platform step, K = 1 (s) | K = 1 / in process |' if k1 else ''))
    print('|---|---|---|---|---|%s' % ('---|---|' if k1 else ''))
    ratios, shares, ratios1 = [], [], []
    for k, pd in enumerate(dirs):
        local = in_process(pd + '/in-process.log')
        steady = local[WARMUP:] or local
        local_step = sum(mean([r[i] for r in steady]) for i in range(4))
        step, transport = platform_step(pd + '/platform')
        ratios.append(step / local_step)
        shares.append(100 * transport / step)
        row = '| %d | %.3f | %.3f | %.2fx | %.1f %% |' % (k + 1, local_step, step, ratios[-1], shares[-1])
        if k1:
            step1, _ = platform_step(pd + '/platform-k1')
            ratios1.append(step1 / local_step)
            row += ' %.3f | %.2fx |' % (step1, ratios1[-1])
        print(row)
    med = lambda xs: sorted(xs)[len(xs) // 2] if len(xs) % 2 else sum(sorted(xs)[len(xs) // 2 - 1:len(xs) // 2 + 1]) / 2
    print('\nmedian over %d pairs: platform (K = 0) / in process %.2fx (target <= 1.2x), transport %.1f %% (target <= 5 %%)'
          % (len(dirs), med(ratios), med(shares)))
    if k1:
        print('median over %d pairs: platform at the default staleness (K = 1) / in process %.2fx' % (len(dirs), med(ratios1)))


def main():
    if len(sys.argv) > 2 and sys.argv[2] == '--pairs':
        pairs(sys.argv[1])
        return 0
    d = sys.argv[1]
    # the platform run's files: in a sub-directory (platform/, baseline/) or, in older runs, in d itself
    pd = d + '/' + sys.argv[2] if len(sys.argv) > 2 else d
    # Medians over the steps after the first (a warm-up). In process: "step N ... | gen G tools T reward R update U ms"
    local = in_process(d + '/in-process.log')
    steady = local[WARMUP:] or local
    gen, tools, reward, update = (mean([r[i] for r in steady]) for i in range(4))
    local_step = gen + tools + reward + update
    # the same run with the stand-in tools (older bench directories have none)
    stand_in = in_process(d + '/in-process-stand-in.log') if os.path.exists(d + '/in-process-stand-in.log') else []
    si = [mean([r[i] for r in (stand_in[WARMUP:] or stand_in)]) for i in range(4)] if stand_in else None
    # which tools the in-process run used ("tools: library" since LibraryTools; older logs: the stand-ins)
    local_tools = 'stand-ins'
    for line in open(d + '/in-process.log'):
        if line.startswith('tools: '):
            local_tools = 'gateway library, real sandbox' if 'library' in line else 'stand-ins'

    rows = [json.loads(l) for l in open(pd + '/platform-metrics.jsonl') if l.strip()]
    times = [r['time'] for r in rows]
    # StepMetrics.time is an RFC 3339 timestamp in JSON; the publication times give the step's wall time.
    from datetime import datetime
    ts = [datetime.fromisoformat(t.replace('Z', '+00:00')).timestamp() for t in times]
    walls = [b - a for a, b in zip(ts[WARMUP - 1:], ts[WARMUP:])] or [b - a for a, b in zip(ts, ts[1:])]
    step = mean(walls)
    ex = [r.get('extra', {}) for r in rows[WARMUP:]] or [r.get('extra', {}) for r in rows]
    upd = mean([e.get('update_seconds', 0) for e in ex])
    store = mean([e.get('store_seconds', 0) for e in ex])
    ckpt = mean([e.get('checkpoint_seconds', 0) for e in ex])

    # Rollout phases: means over the batches after the first (the counters at the end minus those after batch 0),
    # as the in-process and learner numbers leave the first step out; all batches when no snapshot was taken.
    p = prometheus(pd + '/rollout-metrics.txt')
    first = prometheus(pd + '/rollout-metrics-first.txt')

    def delta(key):
        return p.get(key, 0) - first.get(key, 0)

    batches = delta('otc_rollout_batches_total') or 1

    def phase(name):
        return delta('otc_rollout_phase_seconds_sum{phase="%s"}' % name) / batches

    r_gen, r_tools, r_pub = phase('generation'), phase('tools'), phase('publish')
    load = delta('otc_rollout_policy_load_seconds_sum') / max(1, delta('otc_rollout_policy_load_seconds_count'))
    tokens = delta('otc_rollout_generated_tokens_total') / batches
    calls = sum(v - first.get(k, 0) for k, v in p.items() if k.startswith('otc_rollout_tool_calls_total')) / batches
    accounted = r_gen + r_tools + upd
    transport = step - accounted - ckpt
    weights = store + load
    print('\n## loop-bench (%s)\n' % pd)
    try:
        print('platform flags: %s\n' % (open(pd + '/set.txt').read().strip() or '(none)'))
    except OSError:
        pass
    print('rollout: means over %s; learner and in-process: medians after the first %d step(s) (warm-up)\n'
          % ('%d batches after the first %d' % (batches, WARMUP) if first
             else 'all %d batches (no snapshot after the warm-up)' % batches, WARMUP))
    def col(v):
        return ' %.3f |' % v if si else ''
    print('| phase | platform (s/step) | in process, %s (s/step) |%s' % (local_tools, ' in process, stand-ins |' if si else ''))
    print('|---|---|---|%s' % ('---|' if si else ''))
    print('| generation | %.3f (%.0f generated tokens/batch) | %.3f |%s' % (r_gen, tokens, gen, col(si[0]) if si else ''))
    print('| tool calls | %.3f (gRPC, gateway; %.0f calls/batch) | %.3f |%s' % (r_tools, calls, tools, col(si[1]) if si else ''))
    print('| reward | (in transport) | %.3f |%s' % (reward, col(si[2]) if si else ''))
    print('| update | %.3f | %.3f |%s' % (upd, update, col(si[3]) if si else ''))
    print('| checkpoint | %.3f | - |%s' % (ckpt, ' - |' if si else ''))
    print('| weight publication (store write) + load | %.3f + %.3f | - |%s' % (store, load, ' - |' if si else ''))
    print('| trajectory publish (rollout) | %.3f | - |%s' % (r_pub, ' - |' if si else ''))
    print('| transport: everything else (Kafka hops, reward service, polling, weights) | %.3f | - |%s'
          % (transport, ' - |' if si else ''))
    print('| **step** | **%.3f** | **%.3f** |%s' % (step, local_step, ' **%.3f** |' % sum(si) if si else ''))
    print()
    print('transport / platform step: %.1f %% (target <= 5 %%)' % (100 * transport / step))
    print('platform step / in-process step (%s): %.2fx (target <= 1.2x)' % (local_tools, step / local_step))
    print('the same without the tool phase on either side: %.2fx' % ((step - r_tools) / (local_step - tools)))
    if si:
        print('platform step / in-process step with the stand-in tools (no process per program): %.2fx' % (step / sum(si)))
    if os.path.exists(d + '/in-process-gateway.log'):
        # the same in-process run with the tools behind a running gateway over gRPC: the tool path's own cost,
        # apart from the platform's other services sharing the cores
        gw = in_process(d + '/in-process-gateway.log')
        gt = mean([r[1] for r in (gw[WARMUP:] or gw)])
        gs = mean([sum(r) for r in (gw[WARMUP:] or gw)])
        print('tool calls in process through the gateway over gRPC: %.3f s/step (library %.3f: the gateway path %+.3f s); '
              'the platform\'s tool phase %.3f (%+.3f s beyond the in-process gateway path); that run\'s step %.3f s'
              % (gt, tools, gt - tools, r_tools, r_tools - gt, gs))
    g = prometheus(pd + '/gateway-metrics.txt')
    refused = sum(v for k, v in g.items() if k.startswith('otc_gateway_calls_total') and 'tool="code"' in k
                  and 'status="unavailable"' in k)
    if refused:
        # a gateway without its sandbox (bubblewrap missing when it started) answers every program at once: the
        # platform's tool phase then lacks the programs' real cost, and the comparison is not the one this bench makes
        print('INVALID: the gateway refused %.0f code calls as unavailable (no sandbox: see its log); '
              'run bin/setup-host and restart the platform (./otc down)' % refused)
    if g:
        runs = sum(v for k, v in g.items() if k.startswith('otc_gateway_sandbox_runs_total'))
        code = sum(v for k, v in g.items() if k.startswith('otc_gateway_calls_total') and 'tool="code"' in k)
        joined = g.get('otc_gateway_code_joined_total', 0)
        steps = len(rows)
        print('gateway, whole run (%d batches): %.0f code calls, %.0f sandbox runs (%.1f per batch), %.0f joined a running '
              'identical program' % (steps, code, runs, runs / max(1, steps), joined))
    cpu_report(d, pd, batches, local_step, len(local))
    print('load average at the end: %s' % open('/proc/loadavg').read().strip())
    try:
        print(open(d + '/update-bench.txt').read().strip())
    except OSError:
        print('update-bench: not run')
    return 3 if refused else 0


if __name__ == '__main__':
    sys.exit(main())
