#!/usr/bin/env python3
"""Independent reference for the OTC reward (OTC.md §1, §6, §6.1), written straight from the paper's
formulas with Python's math module. Regenerate the CSVs with:  python3 otc_reference.py
The Java tests compare the core's results with these values at 1e-12."""
import math, statistics

def f(m, n):
    if m == 0 and n == 0: return 0.0
    if n == 0: return float(m)
    return 2 * n * m / (m + n)

def r_tool_grpo(m, n, c):
    if f(m, n) == n == 0: return 1.0
    if n == 0: return math.cos(m * math.pi / (2 * m + c))
    return math.sin(f(m, n) * math.pi / (2 * n))

def r_tool_ppo(m, c):
    return math.cos(m * math.pi / (2 * m + c))

# (case, method, m, n or None, correct, c, alpha, r_phi) from OTC.md §6
CASES = [
 (1,'grpo',0,0,1,4,1,1),(2,'grpo',1,0,1,4,1,1),(3,'grpo',2,0,1,4,1,1),(4,'grpo',3,0,1,4,1,1),(5,'grpo',4,0,1,4,1,1),
 (6,'grpo',5,0,1,4,1,1),(7,'grpo',1,1,1,4,1,1),(8,'grpo',2,2,1,4,1,1),(9,'grpo',4,4,1,4,1,1),(10,'grpo',2,1,1,4,1,1),
 (11,'grpo',3,1,1,4,1,1),(12,'grpo',4,1,1,4,1,1),(13,'grpo',5,1,1,4,1,1),(14,'grpo',3,2,1,4,1,1),(15,'grpo',4,2,1,4,1,1),
 (16,'grpo',4,3,1,4,1,1),(17,'grpo',0,1,1,4,1,1),(18,'grpo',1,2,1,4,1,1),(19,'grpo',1,3,1,4,1,1),(20,'grpo',2,3,1,4,1,1),
 (21,'grpo',1,1,0,4,1,0),(22,'grpo',0,0,0,4,1,0),(23,'grpo',3,0,0,4,1,0),
 (24,'ppo',0,None,1,4,1,1),(25,'ppo',1,None,1,4,1,1),(26,'ppo',2,None,1,4,1,1),(27,'ppo',3,None,1,4,1,1),(28,'ppo',4,None,1,4,1,1),
 (29,'ppo',5,None,1,4,1,1),(30,'ppo',2,None,0,4,1,0),(31,'ppo',1,None,1,3,1,1),(32,'ppo',2,None,1,3,1,1),(33,'ppo',3,None,1,3,1,1),
 (34,'ppo',4,None,1,3,1,1),(35,'grpo',1,0,1,3,1,1),(36,'grpo',2,1,1,3,1,1),(37,'ppo',1,None,1,4,2,1),(38,'grpo',2,1,1,4,3,1),
 (39,'ppo',2,None,0,4,1,0.2),(40,'grpo',1,1,1,4,1,1.2),(41,'grpo',2,1,0,3,1,-1),(42,'grpo',0,1,0,3,1,-1),
]

with open('otc_cases.csv', 'w') as out:
    out.write('case,method,m,n,correct,c,alpha,r_phi,f,r_tool,final\n')
    for case, method, m, n, correct, c, alpha, r_phi in CASES:
        if method == 'grpo':
            fv, rt = f(m, n), r_tool_grpo(m, n, c)
        else:
            fv, rt = float('nan'), r_tool_ppo(m, c)
        final = alpha * rt * r_phi
        out.write(f"{case},{method},{m},{'' if n is None else n},{correct},{c},{alpha},{r_phi!r},{fv!r},{rt!r},{final!r}\n")

def advantages(rewards):
    if len(rewards) == 1: mean, std = 0.0, 1.0
    else: mean, std = statistics.fmean(rewards), statistics.stdev(rewards)
    return [(r - mean) / (std + 1e-6) for r in rewards]

# OTC.md §6.1: (case, [(m, correct)...], history n or None, reward)
GROUPS = [
 ('A', [(0,0),(1,1),(2,1),(3,1),(1,0)], None, 'grpo'),
 ("A'", [(0,0),(1,1),(2,1),(3,1),(1,0)], None, 'em'),
 ('B', [(2,1),(2,1),(3,0),(4,1),(0,0)], None, 'grpo'),
 ('C', [(1,0),(2,0),(0,0),(3,0),(1,0)], None, 'grpo'),
 ('D', [(1,1),(2,1),(1,0),(3,1),(0,0)], 0, 'grpo'),
 ('E', [(1,1),(3,1),(2,0),(2,1),(4,1)], 2, 'grpo'),
 ('F', [(2,1)]*5, None, 'grpo'),
 ('G', [(0,1),(1,1),(2,1),(0,0),(5,1)], None, 'grpo'),
]
with open('otc_groups.csv', 'w') as out:
    out.write('case,members,history,n_used,n_after,rewards,advantages\n')
    for case, members, hist, method in GROUPS:
        local = min([m for m, ok in members if ok], default=None)
        n = hist if local is None else (local if hist is None else min(hist, local))
        if method == 'em':
            rewards = [float(ok) for m, ok in members]
            n_used = ''
        else:
            rewards = [0.0 if (not ok or n is None) else r_tool_grpo(m, n, 4) for m, ok in members]
            n_used = '' if n is None else n
        adv = advantages(rewards)
        out.write(f"{case},{' '.join(f'{m}:{ok}' for m, ok in members)},{'' if hist is None else hist},{n_used},"
                  f"{'' if n is None or method == 'em' else n},{' '.join(repr(r) for r in rewards)},{' '.join(repr(a) for a in adv)}\n")
