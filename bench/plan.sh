#!/usr/bin/env bash
# The plan optimizer against HiGHS on the same instances (docs/BENCHMARKS.md, "plan"). One
# command: bench/plan.sh   (LIMIT=120 seconds per HiGHS run by default; release build)
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=${LIMIT:-120}
DIR=${DIR:-target/plan-bench}
VENV=${VENV:-target/plan-venv}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import highspy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q highspy numpy
fi
cargo build -q --release --bin cakap
BIN=${CARGO_TARGET_DIR:-target}/release/cakap
mkdir -p "$DIR"
echo "== Cakap"
"$BIN" bench plan --write-instances "$DIR"
echo "== HiGHS (time limit ${LIMIT}s)"
for f in "$DIR"/plan-*.json; do
  "$VENV/bin/python" bench/plan_highs.py "$f" "$LIMIT"
done
