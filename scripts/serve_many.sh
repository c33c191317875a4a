#!/usr/bin/env bash
# Serve the explorer to a whole class: N `streamlit run app.py` processes behind one nginx.
#
#   scripts/serve_many.sh N [PORT]        start; stays in the foreground, restarts a backend that dies,
#                                         Ctrl-C (or TERM) stops all
#   scripts/serve_many.sh -d N [PORT]     start, print the address and return (detached: nothing
#                                         restarts a backend that dies)
#   scripts/serve_many.sh stop [PORT]     stop what a run on PORT started
#
# nginx listens on PORT (default 8500); the Streamlit processes on the next N ports, 127.0.0.1 only.
# Sessions are sticky by a cookie (see scripts/nginx.conf.template for why not ip_hash).
# Environment:
#   PYTHON            the Python with streamlit (default: $VIRTUAL_ENV/bin/python, else python3)
#   NGINX             the nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
#   HIPMODEL_BIND     address nginx listens on (default 0.0.0.0, so students can reach it)
#   HIPMODEL_RUN_DIR  config, pids and logs (default ${TMPDIR:-/tmp}/hipmodel-serve-PORT)
#   HIPMODEL_RESTART_AFTER  seconds to wait before restarting a dead backend (default 3)
# Streamlit options reach every process from .streamlit/config.toml or as STREAMLIT_* variables,
# e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false (no full garbage collection after every rerun: about
# half the CPU per rerun here; see benchmarks/bench_load.py).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
TEMPLATE="$HERE/nginx.conf.template"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
log() { echo "serve_many: $*" >&2; }

run_dir_for() { echo "${HIPMODEL_RUN_DIR:-${TMPDIR:-/tmp}/hipmodel-serve-$1}"; }

# Is pid $1 alive and one of ours (streamlit or nginx)? Guards against a stale pid file whose
# numbers now belong to somebody else's process.
ours() {
  local pid=$1 cmd state
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/cmdline" ]; then return 1; fi
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  if [ "$state" = Z ]; then return 1; fi  # a zombie has exited already
  case "$cmd" in *streamlit*|*nginx*) return 0 ;; *) return 1 ;; esac
}

# Stop every pid listed in $1/pids: TERM, up to 10 s, then KILL.
stop_run_dir() {
  local dir=$1 pids=() pid i alive
  [ -f "$dir/pids" ] || return 0
  while read -r pid _; do
    if ours "$pid"; then pids+=("$pid"); fi
  done <"$dir/pids"
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for i in $(seq 50); do
      alive=()
      for pid in "${pids[@]}"; do
        if ours "$pid"; then alive+=("$pid"); fi
      done
      if [ ${#alive[@]} -eq 0 ]; then break; fi
      sleep 0.2
    done
    for pid in "${pids[@]}"; do
      if ours "$pid"; then log "pid $pid did not stop on TERM; KILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    done
    wait "${pids[@]}" 2>/dev/null || true  # reap them if they are our children
  fi
  rm -f "$dir/pids" "$dir/serve.pid"
}

http_ok() {  # http_ok URL: 0 if it answers 200
  "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" >/dev/null 2>&1
}

if [ "${1:-}" = "stop" ]; then
  PORT=${2:-8500}
  RUN_DIR=$(run_dir_for "$PORT")
  supervisor=$(cat "$RUN_DIR/serve.pid" 2>/dev/null || true)
  if [ -n "$supervisor" ] && grep -q serve_many "/proc/$supervisor/cmdline" 2>/dev/null; then
    kill -TERM "$supervisor" 2>/dev/null || true  # a foreground run: its trap stops the rest
    for _ in $(seq 75); do
      if ! kill -0 "$supervisor" 2>/dev/null; then break; fi
      sleep 0.2
    done
  fi
  stop_run_dir "$RUN_DIR"
  log "stopped (run dir $RUN_DIR)"
  exit 0
fi

DETACH=0
if [ "${1:-}" = "-d" ] || [ "${1:-}" = "--detach" ]; then DETACH=1; shift; fi
[ $# -ge 1 ] && [ $# -le 2 ] || usage
N=$1
PORT=${2:-8500}
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 64 ] || { log "N must be 1..64, got '$N'"; exit 2; }
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1024 ] && [ $((PORT + N)) -le 65535 ] || { log "bad PORT '$PORT'"; exit 2; }

if [ -z "${PYTHON:-}" ]; then
  if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then PYTHON="$VIRTUAL_ENV/bin/python"; else PYTHON=python3; fi
fi
"$PYTHON" -c 'import streamlit' 2>/dev/null || { log "$PYTHON cannot import streamlit (activate the venv or set PYTHON)"; exit 1; }
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[ -x "$NGINX" ] || { log "nginx not found (apt-get install nginx, or set NGINX)"; exit 1; }
BIND=${HIPMODEL_BIND:-0.0.0.0}
RUN_DIR=$(run_dir_for "$PORT")

if [ -f "$RUN_DIR/pids" ]; then
  while read -r pid _; do
    if ours "$pid"; then log "already running on $PORT (pid $pid); '$0 stop $PORT' first"; exit 1; fi
  done <"$RUN_DIR/pids"
fi
mkdir -p "$RUN_DIR/tmp"
chmod 755 "$RUN_DIR"  # nginx workers (user nobody when started as root) create their temp dirs here
: >"$RUN_DIR/pids"
echo $$ >"$RUN_DIR/serve.pid"

SLEEPER=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$SLEEPER" ]; then kill "$SLEEPER" 2>/dev/null || true; fi
  log "stopping ${N} backends and nginx"
  stop_run_dir "$RUN_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

launch() {  # launch NAME CMD...: in the background, pid recorded
  local name=$1; shift
  if [ "$DETACH" = 1 ]; then nohup "$@" >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  else "$@" >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  fi
  echo "$! $name" >>"$RUN_DIR/pids"
}

launch_backend() {  # launch_backend PORT
  launch "backend-$1" "$PYTHON" -m streamlit run "$ROOT/app.py" \
    --server.port "$1" --server.address 127.0.0.1 --server.headless true \
    --server.fileWatcherType none --server.runOnSave false --browser.gatherUsageStats false
}

upstreams=""
for i in $(seq 1 "$N"); do
  p=$((PORT + i))
  launch_backend "$p"
  upstreams+="        server 127.0.0.1:$p max_fails=3 fail_timeout=10s;"$'\n'
done

# nginx's own config from the template (placeholders replaced; the upstream list is multi-line)
"$PYTHON" - "$TEMPLATE" "$RUN_DIR/nginx.conf" "$RUN_DIR" "$BIND:$PORT" "$upstreams" <<'PY'
import sys
template, out, run_dir, listen, upstreams = sys.argv[1:]
text = open(template).read()
root = __import__("os").path.dirname(__import__("os").path.dirname(__import__("os").path.abspath(template)))
for key, value in (("@RUN_DIR@", run_dir), ("@LISTEN@", listen), ("@UPSTREAM_SERVERS@", upstreams.rstrip("\n")),
                   ("@ROOT@", root)):
    text = text.replace(key, value)
open(out, "w").write(text)
PY
"$NGINX" -t -q -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log" \
  || { log "nginx config test failed: $RUN_DIR/nginx.conf"; exit 1; }

for i in $(seq 1 "$N"); do
  p=$((PORT + i))
  for _ in $(seq 240); do
    if http_ok "http://127.0.0.1:$p/_stcore/health"; then break; fi
    sleep 0.25
  done
  http_ok "http://127.0.0.1:$p/_stcore/health" || { log "backend on $p did not start: $RUN_DIR/backend-$p.log"; exit 1; }
done
launch nginx "$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/nginx-error.log"
for _ in $(seq 40); do
  if http_ok "http://127.0.0.1:$PORT/_stcore/health"; then break; fi
  sleep 0.25
done
http_ok "http://127.0.0.1:$PORT/_stcore/health" || { log "nginx did not start: $RUN_DIR/nginx-error.log"; exit 1; }

echo "ready: http://$BIND:$PORT/ -> $N streamlit processes on 127.0.0.1:$((PORT + 1))-$((PORT + N)) (run dir $RUN_DIR)"
if [ "$DETACH" = 1 ]; then
  rm -f "$RUN_DIR/serve.pid"
  trap - EXIT INT TERM
  echo "stop with: $0 stop $PORT"
  exit 0
fi

# foreground: watch nginx and the backends. A backend that exits is restarted on its port
# (its students have moved to the others meanwhile; see scripts/nginx.conf.template), at most
# once per RESTART_AFTER seconds each, so a backend that cannot start does not spin.
RESTART_AFTER=${HIPMODEL_RESTART_AFTER:-3}
nginx_pid=$(awk '$2 == "nginx" {print $1}' "$RUN_DIR/pids")
declare -A died_at=()
while true; do
  sleep 1 &
  SLEEPER=$!
  wait "$SLEEPER" || true
  SLEEPER=""
  ours "$nginx_pid" || { log "nginx exited: $RUN_DIR/nginx-error.log"; exit 1; }
  snapshot=$(cat "$RUN_DIR/pids")
  while read -r pid name; do
    if [ "$name" = nginx ] || ours "$pid"; then continue; fi
    now=$(date +%s)
    if [ -z "${died_at[$name]:-}" ]; then
      died_at[$name]=$now
      log "$name (pid $pid) exited: $RUN_DIR/$name.log; restarting it"
      wait "$pid" 2>/dev/null || true
    fi
    if [ $((now - died_at[$name])) -ge "$RESTART_AFTER" ] || [ "$RESTART_AFTER" = 0 ]; then
      p=${name#backend-}
      mv "$RUN_DIR/$name.log" "$RUN_DIR/$name.log.$now" 2>/dev/null || true
      grep -v "^$pid $name\$" "$RUN_DIR/pids" >"$RUN_DIR/pids.new" || true
      mv "$RUN_DIR/pids.new" "$RUN_DIR/pids"
      launch_backend "$p"
      unset "died_at[$name]"
      log "$name restarted (pid $(awk -v n="$name" '$2 == n {print $1}' "$RUN_DIR/pids"))"
    fi
  done <<<"$snapshot"
done
