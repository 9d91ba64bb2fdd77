"""The HiGHS peer of `cakap bench plan` (docs/BENCHMARKS.md, "plan").

Reads one instance (the JSON `cakap bench plan --write-instances DIR` writes), builds the same
problem as a MILP and solves it with HiGHS (highspy, PyPI) within a time limit; prints one JSON
line: objective of the best plan found, HiGHS's proven bound, and seconds. With a third
argument, writes the best plan there in the issue's solution format.

    python bench/plan_highs.py INSTANCE.json [LIMIT_SECONDS] [SOLUTION.json]

    x[i,p] in {0,1} for each pair of positive value, y[p] >= 0 integer (classes)
    max   sum v[i,p] x[i,p]
    s.t.  sum_p x[i,p] <= 1                           (one program per candidate)
          sum_i x[i,p] - capacity[p] y[p] <= 0        (seats within classes)
          sum_p fixed[p] y[p] + sum cpp[p] x[i,p] <= budget
"""

import json
import sys
import time

import highspy
import numpy as np


def main() -> None:
    path, limit = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    out = sys.argv[3] if len(sys.argv) > 3 else None
    inst = json.load(open(path))
    progs = inst["programs"]
    covers = [set(p["covers"]) for p in progs]
    pairs = []  # (candidate index, program index, value)
    for i, c in enumerate(inst["candidates"]):
        for p, cov in enumerate(covers):
            v = sum(w for comp, w in c["needs"] if comp in cov)
            if v > 0:
                pairs.append((i, p, v))
    n_x, n_y = len(pairs), len(progs)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", limit)
    h.setOptionValue("threads", 2)
    inf = highspy.kHighsInf
    # Columns: x then y. HiGHS minimises: costs are -value.
    costs = np.array([-float(v) for _, _, v in pairs] + [0.0] * n_y)
    lower = np.zeros(n_x + n_y)
    upper = np.array([1.0] * n_x + [inf] * n_y)
    h.addVars(n_x + n_y, lower, upper)
    h.changeColsCost(n_x + n_y, np.arange(n_x + n_y, dtype=np.int32), costs)
    h.changeColsIntegrality(n_x + n_y, np.arange(n_x + n_y, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * (n_x + n_y)))
    by_cand, by_prog = {}, {}
    for k, (i, p, _) in enumerate(pairs):
        by_cand.setdefault(i, []).append(k)
        by_prog.setdefault(p, []).append(k)
    for ks in by_cand.values():
        h.addRow(-inf, 1.0, len(ks), np.array(ks, dtype=np.int32), np.ones(len(ks)))
    for p, ks in by_prog.items():
        idx = np.array(ks + [n_x + p], dtype=np.int32)
        val = np.array([1.0] * len(ks) + [-float(progs[p]["capacity"])])
        h.addRow(-inf, 0.0, len(idx), idx, val)
    idx = np.arange(n_x + n_y, dtype=np.int32)
    val = np.array([float(progs[p]["cost_per_participant"]) for _, p, _ in pairs] + [float(p["fixed_cost"]) for p in progs])
    h.addRow(-inf, float(inst["budget"]), len(idx), idx, val)
    started = time.time()
    h.run()
    info = h.getInfo()
    best = -info.objective_function_value if info.primal_solution_status == 2 else None
    if out and best is not None:
        # The best plan in the solution format, for `cakap bench plan --check`.
        col = h.getSolution().col_value
        classes = {progs[p]["id"]: int(round(col[n_x + p])) for p in range(n_y) if round(col[n_x + p]) > 0}
        assignments = [[inst["candidates"][i]["id"], progs[p]["id"]] for k, (i, p, _) in enumerate(pairs) if col[k] > 0.5]
        json.dump({"objective": best, "classes": classes, "assignments": assignments, "seconds": round(time.time() - started, 2)}, open(out, "w"))
    print(json.dumps({"instance": path, "objective": best, "bound": -info.mip_dual_bound, "seconds": round(time.time() - started, 2), "status": h.modelStatusToString(h.getModelStatus())}))


if __name__ == "__main__":
    main()
