#!/usr/bin/env bash
# Property-based tests of /api/v1 against its own OpenAPI document (schemathesis, PyPI), with an
# admin's and an employee's token, on a fresh demo database. One command:
#
#     bench/schemathesis.sh            # MAX_EXAMPLES=50 per operation and phase by default
#
# Checks: every schemathesis check except `positive_data_acceptance`, which assumes the schema
# holds every rule: Cakap's cross-field and referential rules (the birth date and gender inside a
# NIP, ids of units and positions that must exist in the tenant) are answered 422 with the field
# named, as docs/SECURITY.md explains. Exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_EXAMPLES=${MAX_EXAMPLES:-50}
PORT=${PORT:-18731}
DIR=$(mktemp -d)
trap 'kill "${app:-}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
VENV=${VENV:-target/schemathesis-venv}
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis==4.32.5'
fi
cargo build -q --bin cakap
BIN=${CARGO_TARGET_DIR:-target}/debug/cakap
export DATABASE_URL="sqlite://$DIR/st.db?mode=rwc"
CAKAP_DEMO_PASSWORD="uji-schemathesis-2026" "$BIN" demo >/dev/null
"$BIN" serve --listen "127.0.0.1:$PORT" >"$DIR/serve.log" 2>&1 & app=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
status=0
for login in admin.medan pegawai.medan; do
  token=$("$BIN" token create --login "$login" --name schemathesis)
  echo "== schemathesis as $login"
  "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" --url "http://127.0.0.1:$PORT" \
    -H "Authorization: Bearer $token" --checks all --exclude-checks positive_data_acceptance \
    --max-examples "$MAX_EXAMPLES" --workers 1 --phases examples,coverage,fuzzing --seed 20261203 || status=1
done
exit $status
