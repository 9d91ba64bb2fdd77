#!/usr/bin/env python3
"""Peers for `cakap bench rollup`: DuckDB and PostgreSQL run identical SQL on the same rows.

Run through bench/rollup.sh (it builds Cakap, installs this script's packages in a venv and
passes the paths). Steps:
  1. `cakap bench rollup --out DATA --results RESULTS --json TIMES` generates the rows (or reads
     --data), times Cakap's engine and writes its sums;
  2. DuckDB (in this process) loads the column files and runs each roll-up's SQL;
  3. PostgreSQL (UNLOGGED table, parallel workers as configured) does the same;
  4. every result must equal the engine's sums exactly, else the script fails;
  5. one line per roll-up with the ratios, then load times and memory.

Query time is the best of N runs for each system (engine 5, DuckDB 5, PostgreSQL 3); load time
is reported apart. Each peer materialises its result inside itself (`CREATE TEMP TABLE res AS
<query>`, the same text for both), as the engine materialises its table in memory: converting
700,000 rows to Python objects would time the client, not the database. The result is then read
(untimed) and must equal the engine's sums exactly: every measure is an integer sum.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import duckdb
import numpy as np
import pyarrow as pa
import psycopg

SUMS = """COUNT(*) AS rows,
  SUM(CASE WHEN actual > 0 THEN 1 ELSE 0 END) AS assessed,
  SUM(actual) AS sum_actual,
  SUM(CASE WHEN actual > 0 THEN required ELSE 0 END) AS sum_required_assessed,
  SUM(CASE WHEN actual > 0 AND required > actual THEN required - actual ELSE 0 END) AS sum_gap,
  SUM(CASE WHEN actual > 0 AND required > actual THEN 1 ELSE 0 END) AS with_gap,
  SUM(LEAST(actual, required)) AS sum_met,
  SUM(required) AS sum_required"""

# (name, result file, key columns) — the SQL is the same text for both peers.
ROLLUPS = [
    ("unit × competency", "unit_comp", "unit, comp"),
    ("competency (national)", "comp", "comp"),
    ("tenant × competency", "tenant_comp", "tenant, comp"),
    ("unit (JPM)", "unit", "unit"),
]
ENGINE_KEYS = {"unit_comp": "unit_comp_ms", "comp": "comp_ms", "tenant_comp": "tenant_comp_ms", "unit": "unit_ms"}


def sql(keys):
    return f"SELECT {keys}, {SUMS} FROM rows_t GROUP BY {keys}"


def best_of(n, f):
    best, out = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def normalise(rows):
    return sorted(tuple(int(x) for x in r) for r in rows)


def engine_rows(con, results, name):
    return normalise(con.execute(f"SELECT * FROM read_csv('{results}/{name}.csv', header = true)").fetchall())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cakap", required=True, help="path to the release cakap binary")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--work", default=None, help="folder for column files and results (default: a temp dir)")
    ap.add_argument("--data", default=None, help="column files to use instead of generating")
    ap.add_argument("--employees", type=int, default=4_300_000)
    ap.add_argument("--skip-pg", action="store_true")
    args, rest = ap.parse_known_args()

    work = args.work or tempfile.mkdtemp(prefix="cakap-rollup-")
    data = args.data or os.path.join(work, "data")
    results = os.path.join(work, "results")
    times_file = os.path.join(work, "engine.json")
    cmd = [args.cakap, "bench", "rollup", "--employees", str(args.employees), "--results", results, "--json", times_file]
    cmd += ["--data", data] if args.data else ["--out", data]
    print("#", " ".join(cmd), flush=True)
    subprocess.run(cmd + rest, check=True)
    eng = json.load(open(times_file))

    cols = {
        "unit": np.fromfile(f"{data}/unit.u32", dtype="<u4").astype(np.int32),
        "tenant": np.fromfile(f"{data}/tenant.u16", dtype="<u2").astype(np.int16),
        "comp": np.fromfile(f"{data}/comp.u8", dtype="u1").astype(np.int16),
        "actual": np.fromfile(f"{data}/actual.u8", dtype="u1").astype(np.int16),
        "required": np.fromfile(f"{data}/required.u8", dtype="u1").astype(np.int16),
    }
    n = len(cols["unit"])

    # DuckDB, in this process, all cores.
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count()}")
    src = pa.table(cols)
    t = time.perf_counter()
    con.register("src", src)
    con.execute("CREATE TABLE rows_t AS SELECT * FROM src")
    con.unregister("src")
    duck_load = time.perf_counter() - t
    del src
    duck = {}
    for name, file, keys in ROLLUPS:
        q = f"CREATE OR REPLACE TEMP TABLE res AS {sql(keys)}"
        secs, _ = best_of(5, lambda: con.execute(q))
        got, want = normalise(con.execute("SELECT * FROM res").fetchall()), engine_rows(con, results, file)
        if got != want:
            sys.exit(f"DuckDB and Cakap differ on {name}: {len(got)} vs {len(want)} groups")
        duck[file] = secs
    duck_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pg = {}
    pg_load = pg_size = None
    if not args.skip_pg:
        csv_path = os.path.join(work, "rows.csv")
        con.execute(f"COPY rows_t TO '{csv_path}' (HEADER false)")
        os.chmod(work, 0o755)
        os.chmod(csv_path, 0o644)
        with psycopg.connect(args.pg, autocommit=True) as pc:
            pc.execute("DROP TABLE IF EXISTS cakap_bench_rows")
            pc.execute("CREATE UNLOGGED TABLE cakap_bench_rows (unit integer, tenant smallint, comp smallint, actual smallint, required smallint)")
            t = time.perf_counter()
            pc.execute(f"COPY cakap_bench_rows FROM '{csv_path}' (FORMAT csv)")
            pc.execute("VACUUM ANALYZE cakap_bench_rows")
            pg_load = time.perf_counter() - t
            pg_size = pc.execute("SELECT pg_total_relation_size('cakap_bench_rows')").fetchone()[0] / 2**20
            for name, file, keys in ROLLUPS:
                q = sql(keys).replace("rows_t", "cakap_bench_rows")

                def run():
                    pc.execute("DROP TABLE IF EXISTS res")
                    pc.execute(f"CREATE TEMP TABLE res AS {q}")

                secs, _ = best_of(3, run)
                got, want = normalise(pc.execute("SELECT * FROM res").fetchall()), engine_rows(con, results, file)
                if got != want:
                    sys.exit(f"PostgreSQL and Cakap differ on {name}: {len(got)} vs {len(want)} groups")
                pg[file] = secs
            workers = pc.execute("SHOW max_parallel_workers_per_gather").fetchone()[0]
            pc.execute("DROP TABLE cakap_bench_rows")
        os.remove(csv_path)

    print(f"\n## {n:,} rows; results equal on every roll-up (DuckDB{'' if args.skip_pg else ', PostgreSQL'})\n")
    print("| roll-up | Cakap ms | DuckDB ms | PostgreSQL ms | Cakap / DuckDB | Cakap / PostgreSQL | Cakap / floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, file, _ in ROLLUPS:
        c = eng[ENGINE_KEYS[file]]
        d = duck[file] * 1e3
        p = pg.get(file)
        pcol = f"{p * 1e3:.0f}" if p else "-"
        pr = f"{c / (p * 1e3):.4f}" if p else "-"
        print(f"| {name} | {c:.1f} | {d:.1f} | {pcol} | {c / d:.3f} | {pr} | {c / eng['floor_ms']:.1f} |")
    print(f"\nmemory floor {eng['floor_ms']:.1f} ms (engine arrays {eng['engine_bytes'] / 2**20:.0f} MB read once)")
    print(f"load: Cakap {eng['load_s']:.2f} s (cluster), DuckDB {duck_load:.2f} s (from Arrow)" + (f", PostgreSQL {pg_load:.1f} s (COPY + VACUUM ANALYZE)" if pg_load else ""))
    print(f"peak memory: Cakap process {eng['peak_rss_mb']:.0f} MB (includes the generated input columns), this process with DuckDB {duck_rss:.0f} MB"
          + (f", PostgreSQL table {pg_size:.0f} MB on disk, max_parallel_workers_per_gather={workers}" if pg_size else ""))


if __name__ == "__main__":
    main()
