#!/usr/bin/env bash
# Fresh-machine check: clones the committed HEAD into a temp dir, runs `npm ci`, checks `npm start` and its printed walk-through, then `CI=true npm test`.
#
# Usage: scripts/fresh-clone-check.sh [--start-only] [--keep] [REPO]
#   REPO          repository to clone (default: the one holding this script); only committed work is checked
#   --start-only  stop after the npm start checks (skip the full test suite, which takes minutes)
#   --keep        keep the temporary clone and logs
set -euo pipefail

START_ONLY=0
KEEP=0
REPO=""
for arg in "$@"; do
  case "$arg" in
    --start-only) START_ONLY=1 ;;
    --keep) KEEP=1 ;;
    -h | --help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "fresh-clone-check: unknown option $arg" >&2
      exit 2
      ;;
    *) REPO="$arg" ;;
  esac
done
REPO="${REPO:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fresh-clone-check.XXXXXX")"
CLONE="$WORK/repo"
SERVER_PID=""
declare -a SUMMARY=()
FAILED=0

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # npm start runs in its own process group (set -m below): stop npm, tsx and node together.
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "$KEEP" == 1 ]]; then
    echo "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

step() { echo; echo "==> $*"; }
record() {
  # record STATUS NAME SECONDS
  SUMMARY+=("$(printf '%-4s %-58s %5ss' "$1" "$2" "$3")")
  [[ "$1" == ok ]] || FAILED=1
}
fail_now() {
  record FAIL "$1" "${2:-0}"
  print_summary
  exit 1
}
print_summary() {
  echo
  echo "fresh-clone-check summary ($(git -C "$CLONE" rev-parse --short HEAD 2>/dev/null || echo '?') of $REPO)"
  printf '  %s\n' "${SUMMARY[@]}"
  [[ "$FAILED" == 0 ]] && echo "  result: all checks passed" || echo "  result: FAILED (logs in $WORK; rerun with --keep to inspect)"
}

# ---------------------------------------------------------------------------- clone and install
step "git clone $REPO (committed HEAD only)"
t0=$SECONDS
git clone --quiet "$REPO" "$CLONE" || fail_now "git clone" $((SECONDS - t0))
echo "HEAD $(git -C "$CLONE" log -1 --format='%h %s')"
if [[ -n "$(git -C "$REPO" status --porcelain 2>/dev/null)" ]]; then
  echo "note: $REPO has uncommitted changes; they are not part of this check"
fi
record ok "git clone" $((SECONDS - t0))
cd "$CLONE"

step "npm ci"
t0=$SECONDS
if npm ci --no-audit --no-fund >"$WORK/npm-ci.log" 2>&1; then
  record ok "npm ci" $((SECONDS - t0))
else
  tail -40 "$WORK/npm-ci.log"
  fail_now "npm ci" $((SECONDS - t0))
fi

# ---------------------------------------------------------------------------- npm start
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE="http://127.0.0.1:$PORT"
DATA="$WORK/local-data"
step "npm start -- --port $PORT --data-dir $DATA"
t0=$SECONDS
set -m
npm start -- --port "$PORT" --data-dir "$DATA" >"$WORK/start.log" 2>&1 &
SERVER_PID=$!
set +m
for _ in $(seq 1 600); do
  grep -q 'Press Ctrl+C' "$WORK/start.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q 'Press Ctrl+C' "$WORK/start.log"; then
  cat "$WORK/start.log"
  fail_now "npm start prints its banner" $((SECONDS - t0))
fi
record ok "npm start prints its banner" $((SECONDS - t0))

t0=$SECONDS
METADATA="$(curl -fsS "$BASE/.well-known/oauth-authorization-server" || true)"
if node -e '
  const m = JSON.parse(process.argv[1]);
  if (m.issuer !== process.argv[2] || m.token_endpoint !== process.argv[2] + "/oauth2/token") process.exit(1);
' "$METADATA" "$BASE" 2>/dev/null; then
  record ok "metadata endpoint names $BASE as issuer" $((SECONDS - t0))
else
  echo "metadata: $METADATA"
  fail_now "metadata endpoint answers" $((SECONDS - t0))
fi

# The banner's walk-through, run as printed: step 1 with --json (to read the secret), steps 2 and 3 verbatim.
t0=$SECONDS
CREATE_CMD="$(grep -E '^\s+npm run create-client -- ' "$WORK/start.log" | head -1 | sed 's/^ *//')"
if [[ -z "$CREATE_CMD" ]]; then fail_now "banner prints a create-client command" 0; fi
echo "\$ $CREATE_CMD --json"
# npm run echoes the script line first; the JSON document is the last line starting with "{".
CLIENT_JSON="$(eval "$CREATE_CMD --json" 2>"$WORK/create-client.err" | grep '^{' | tail -1)" || {
  cat "$WORK/create-client.err"
  fail_now "printed create-client command" $((SECONDS - t0))
}
CLIENT_ID="$(node -pe 'JSON.parse(process.argv[1]).client_id' "$CLIENT_JSON")"
CLIENT_SECRET="$(node -pe 'JSON.parse(process.argv[1]).client_secret' "$CLIENT_JSON")"
export CLIENT_ID CLIENT_SECRET
record ok "printed create-client command" $((SECONDS - t0))

t0=$SECONDS
# Lines from "# 2." up to the blank line before "Press Ctrl+C", minus comments.
WALK="$(awk '/# 2\./{on=1} on && /^$/{exit} on' "$WORK/start.log" | grep -v '^\s*#')"
echo "$WALK"
HELLO="$(eval "$WALK" 2>&1)" || true
if grep -q '^HTTP/1.1 200' <<<"$HELLO" && grep -q "$CLIENT_ID" <<<"$HELLO"; then
  record ok "printed curl steps: token, then GET /hello -> 200" $((SECONDS - t0))
else
  echo "$HELLO"
  fail_now "printed curl steps: token, then GET /hello -> 200" $((SECONDS - t0))
fi

t0=$SECONDS
kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
for _ in $(seq 1 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  record FAIL "npm start stops on SIGTERM" $((SECONDS - t0))
else
  record ok "npm start stops on SIGTERM" $((SECONDS - t0))
fi
SERVER_PID=""

# ---------------------------------------------------------------------------- npm test
if [[ "$START_ONLY" == 1 ]]; then
  echo
  echo "--start-only: npm test skipped"
else
  step "CI=true npm test (unit, integration, terraform, e2e; a missing tool fails)"
  t0=$SECONDS
  if CI=true npm test >"$WORK/npm-test.log" 2>&1; then
    record ok "CI=true npm test" $((SECONDS - t0))
  else
    tail -80 "$WORK/npm-test.log"
    record FAIL "CI=true npm test" $((SECONDS - t0))
  fi
  grep -E '^(Tests|Test Suites):' "$WORK/npm-test.log" | sed 's/^/    /' || true
fi

print_summary
exit "$FAILED"
