#!/usr/bin/env bash
# One command for the roll-up benchmark against DuckDB and PostgreSQL (docs/BENCHMARKS.md):
#   bench/rollup.sh [--employees N] [--data DIR] [--skip-pg] [--pg URL]
# Builds Cakap in release mode, installs the peers' Python packages in a venv (once), runs
# bench/rollup_peers.py. PostgreSQL: the local server (trust auth), database `test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/cakap/target}"
VENV="${CAKAP_BENCH_VENV:-/var/cache/cakap/venv}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import duckdb, numpy, pyarrow, psycopg" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r bench/requirements.txt
fi
cargo build --release -q
exec "$VENV/bin/python" bench/rollup_peers.py --cakap "$CARGO_TARGET_DIR/release/cakap" "$@"
