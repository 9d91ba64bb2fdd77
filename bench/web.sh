#!/usr/bin/env bash
# Pages and API under load, against a reference in the same run (docs/BENCHMARKS.md, "Web").
#
#   bench/web.sh                     # SQLite, then PostgreSQL when 127.0.0.1:5432 answers
#   DURATION=10 SOAK_SECS=0 bench/web.sh   # quick run without the soak
#
# The reference is `cakap bench web-reference`: a minimal axum handler that reads 20 rows of the
# same employee table from the same database and renders them. Cakap's numbers are reported as
# ratios of its requests/s, measured minutes apart on the same machine, so machine noise cancels.
# Needs wrk (Debian package; installed here when missing and allowed).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/cakap/target}"
CONNS="${CONNS:-64}"
DURATION="${DURATION:-20}"
SOAK_SECS="${SOAK_SECS:-600}"
EMPLOYEES="${EMPLOYEES:-10000}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/test}"
PASSWORD="cakap-demo-2026"
DIR="${DIR:-bench-data/web}"
APP_PORT=18080
REF_PORT=18081

command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }
cargo build --release -q -p cakap
BIN="$CARGO_TARGET_DIR/release/cakap"
mkdir -p "$DIR"
OUT="$DIR/results.md"
: > "$OUT"

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_up() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }

# The current TOTP code (RFC 6238, SHA-1, 6 digits, 30 s) of a base32 secret.
totp() {
  python3 -c 'import base64,hashlib,hmac,struct,sys,time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$1"
}

csrf_of() { grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

# Logs in as $1 (with the second-factor secret $2 when the user has one) and prints the session cookie.
login() {
  local jar; jar=$(mktemp)
  local csrf; csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$APP_PORT/masuk" | csrf_of)
  local to; to=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "login=$1" --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$APP_PORT/masuk")
  if [[ "$to" == */masuk/verifikasi ]]; then
    csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$APP_PORT/masuk/verifikasi" | csrf_of)
    curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "code=$(totp "$2")" "http://127.0.0.1:$APP_PORT/masuk/verifikasi"
  fi
  awk '$6 == "cakap_sid" { print "cakap_sid=" $7 }' "$jar"
  rm -f "$jar"
}

# wrk for DURATION seconds; prints "req_per_s p99_ms errors".
load() {
  local url=$1; shift
  local out; out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" "$url")
  local rps; rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  local p99; p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; print v }' <<<"$out")
  local errs; errs=$(awk '/Non-2xx|Socket errors/ { n++ } END { print n + 0 }' <<<"$out")
  echo "$rps $p99 $errs"
}

rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }

run_backend() {
  local name=$1 url=$2
  echo "== $name: data ($EMPLOYEES employees in Kota Medan)"
  DATABASE_URL="$url" CAKAP_DEMO_PASSWORD="$PASSWORD" "$BIN" bench web-setup --employees "$EMPLOYEES" >/dev/null
  # Admins log in with a second factor: set one up for the two measured here.
  local admin_key; admin_key=$(DATABASE_URL="$url" "$BIN" admin enrol-second-factor --login admin.medan)
  local sa_key; sa_key=$(DATABASE_URL="$url" "$BIN" admin enrol-second-factor --login superadmin)
  DATABASE_URL="$url" "$BIN" serve --listen "127.0.0.1:$APP_PORT" >"$DIR/serve-$name.log" 2>&1 & local app=$!; pids+=("$app")
  DATABASE_URL="$url" "$BIN" bench web-reference --listen "127.0.0.1:$REF_PORT" >"$DIR/ref-$name.log" 2>&1 & local ref=$!; pids+=("$ref")
  wait_up "http://127.0.0.1:$APP_PORT/healthz"; wait_up "http://127.0.0.1:$REF_PORT/"
  local token; token=$(DATABASE_URL="$url" "$BIN" token create --login admin.medan --name bench)
  local list="http://127.0.0.1:$APP_PORT/organisasi/pegawai?q=pegawai+uji&status=pns&page=2"
  {
    echo "### $name ($EMPLOYEES employees in the tenant, $CONNS connections, ${DURATION}s each)"
    echo
    echo "| what | requests/s | p99 ms | errors | ratio to reference |"
    echo "|---|---:|---:|---:|---:|"
  } >>"$OUT"
  read -r ref_rps ref_p99 ref_err < <(load "http://127.0.0.1:$REF_PORT/")
  echo "| reference: 20 rows, axum + sqlx | $ref_rps | $ref_p99 | $ref_err | 1.00 |" >>"$OUT"
  row() {
    local label=$1; shift
    read -r rps p99 err < <(load "$@")
    echo "| $label | $rps | $p99 | $err | $(awk -v a="$rps" -v b="$ref_rps" 'BEGIN { printf "%.2f", a / b }') |" >>"$OUT"
  }
  local admin; admin=$(login admin.medan "$admin_key")
  row "employee list, search + filter + page 2 (admin)" "$list" -H "Cookie: $admin"
  row "API employee list, search + page 2" "http://127.0.0.1:$APP_PORT/api/v1/employees?q=pegawai+uji&status=pns&page=2" -H "Authorization: Bearer $token"
  row "Beranda (admin)" "http://127.0.0.1:$APP_PORT/" -H "Cookie: $admin"
  for who in perencana ppk atasan instruktur pegawai; do
    local c; c=$(login "$who.medan")
    row "Beranda ($who)" "http://127.0.0.1:$APP_PORT/" -H "Cookie: $c"
  done
  local sa; sa=$(login superadmin "$sa_key")
  row "Beranda (superadmin)" "http://127.0.0.1:$APP_PORT/" -H "Cookie: $sa"
  if [ "$SOAK_SECS" -gt 0 ]; then
    echo "== $name: soak ${SOAK_SECS}s"
    DURATION=30 load "$list" -H "Cookie: $admin" >/dev/null   # warm up, then measure from here
    local rss0; rss0=$(rss_kb "$app")
    local soak; soak=$(DURATION=$SOAK_SECS CONNS=16 load "$list" -H "Cookie: $admin")
    local rss1; rss1=$(rss_kb "$app")
    read -r srps sp99 serr <<<"$soak"
    echo "| soak ${SOAK_SECS}s, 16 connections: RSS ${rss0} → ${rss1} kB ($(awk -v a="$rss0" -v b="$rss1" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')) | $srps | $sp99 | $serr | |" >>"$OUT"
  fi
  echo >>"$OUT"
  kill "$app" "$ref" 2>/dev/null || true
  wait "$app" "$ref" 2>/dev/null || true
}

rm -f "$DIR/web.db" "$DIR/web.db-wal" "$DIR/web.db-shm"
run_backend SQLite "sqlite://$DIR/web.db"
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  psql "$PG_URL" -q -c "DROP DATABASE IF EXISTS cakap_bench_web WITH (FORCE)" -c "CREATE DATABASE cakap_bench_web" >/dev/null
  run_backend PostgreSQL "${PG_URL%/*}/cakap_bench_web"
  psql "$PG_URL" -q -c "DROP DATABASE IF EXISTS cakap_bench_web WITH (FORCE)" >/dev/null
fi
cat "$OUT"
