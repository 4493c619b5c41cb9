#!/usr/bin/env bash
# npm run bench:instructions [-- json|stream] — instructions per request of Shuttle (SQLite, the benchmark's whole
# pipeline) and of the bare proxy, counted by valgrind's callgrind over a fixed number of requests after a warm-up.
# Unlike CPU time, a count does not move with the machine's other work: it tells a change of a few per cent apart.
# Needs valgrind (apt-get install -y valgrind); each target runs about 50 times slower under it (2–3 minutes each).
# WARMUP, COUNT and CONNECTIONS override the defaults (JSON 10,000 / 9,000, streaming 5,000 / 3,000; 8 connections).
# KEEP=<dir> keeps the callgrind dumps there, with V8's maps naming its generated code (/tmp/perf-<pid>.map,
# from --perf-basic-prof: functions and regular expressions; it changes the counts by under 1%), for callgrind_annotate.
# SHUTTLE_ONLY=1 counts Shuttle alone. Shuttle's own variables pass through: SHUTTLE_REQUEST_LOG_DEFAULT=metadata
# weighs the request log's level `metadata`, against `full` by default (docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-json}
case "$MODE" in
  json) WARMUP=${WARMUP:-10000} COUNT=${COUNT:-9000} ;;
  stream) WARMUP=${WARMUP:-5000} COUNT=${COUNT:-3000} ;;
  *) echo "usage: npm run bench:instructions [-- json|stream]" >&2; exit 2 ;;
esac
CONNECTIONS=${CONNECTIONS:-8}
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 1; }
source bench/script-helpers.sh
TRIES=240 # node starts slowly under valgrind
# valgrind names the pipes callgrind_control talks through after $HOST, which Shuttle's own configuration sets.
export HOST=127.0.0.1
node_flags=()
[[ -n ${KEEP:-} ]] && { mkdir -p "$KEEP"; node_flags=(--perf-basic-prof "--logfile=$work/v8.log" --no-logfile-per-isolate); }

upstream_port=$(free_port)
taskset -c 0 node bench/dist/fake-upstream.js --port "$upstream_port" >/dev/null 2>&1 &
pids+=($!)

bare_port=$(free_port)
if [[ -z ${SHUTTLE_ONLY:-} ]]; then
  taskset -c 1 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/bare.%p" \
    node "${node_flags[@]}" bench/dist/bare-proxy.js --port "$bare_port" --upstream "http://127.0.0.1:$upstream_port" >/dev/null 2>&1 &
  bare_pid=$!
  pids+=("$bare_pid")
fi

shuttle_port=$(free_port)
export DATABASE_URL="sqlite://$work/shuttle.db" OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" OPENAI_API_KEY=sk-bench \
  PORT="$shuttle_port" LOG_LEVEL=warn SHUTTLE_SECRET="$(openssl rand -hex 32)" \
  SHUTTLE_USAGE_FLUSH_MS=20000 SHUTTLE_LAST_USED_FLUSH_MS=500000
# Under valgrind the server runs about 50 times slower, so timed work would weigh 50 times what it does at full speed:
# usage batches fill to 500 events as they do then (not ~25 per 250 ms tick), and last-used times are written every
# 500 s of this run's time, as every 10 s at full speed.
password=$(openssl rand -hex 12)
node bin/shuttle.js bootstrap --tenant Instructions --email instructions@example.com --password "$password" --json >/dev/null
taskset -c 1 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/shuttle.%p" node "${node_flags[@]}" bin/shuttle.js serve >/dev/null 2>&1 &
shuttle_pid=$!
pids+=("$shuttle_pid")
wait_http "http://127.0.0.1:$shuttle_port/healthz"
[[ -n ${SHUTTLE_ONLY:-} ]] || wait_listening "http://127.0.0.1:$bare_port/" # it relays GET / to the fake upstream: a 404

# The benchmark's own set-up (a sub-key, 100 customers, cost and rate limits on tenant, key and customers), and the
# requests each target gets.
node --input-type=module -e "
  import { writeFileSync } from 'node:fs';
  import { chatRequestBody } from './bench/dist/chat-request.js';
  import { configureShuttlePipeline } from './bench/dist/shuttle-launcher.js';
  const pipeline = await configureShuttlePipeline('http://127.0.0.1:$shuttle_port', { email: 'instructions@example.com', password: '$password' });
  const body = chatRequestBody('$MODE');
  writeFileSync('$work/shuttle.json', JSON.stringify({ url: 'http://127.0.0.1:$shuttle_port/api/v1/chat/completions', headers: pipeline.headers, headerVariants: pipeline.headerVariants, body }));
  writeFileSync('$work/bare.json', JSON.stringify({ url: 'http://127.0.0.1:$bare_port/v1/chat/completions', headers: { 'content-type': 'application/json' }, headerVariants: [], body }));"

measure() { # label pid
  node bench/dist/fixed-count.js --spec "$work/$1.json" --count "$WARMUP" --connections "$CONNECTIONS"
  callgrind_control -i on "$2" >/dev/null 2>&1
  node bench/dist/fixed-count.js --spec "$work/$1.json" --count "$COUNT" --connections "$CONNECTIONS"
  callgrind_control -i off "$2" >/dev/null 2>&1
  callgrind_control -d "$2" >/dev/null 2>&1
  kill "$2"
  sleep 2
  local dump total compiler
  dump=$(ls -S "$work/$1".[0-9]* | head -1)
  [[ -n ${KEEP:-} ]] && cp "$dump" "$KEEP/$1-$MODE.callgrind" && cp "/tmp/perf-$2.map" "$KEEP/$1-$MODE.perf.map" 2>/dev/null
  total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  # TurboFan compiles on a helper thread while the window runs: reported apart, as it varies from run to run.
  compiler=$(callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | awk '/OptimizingCompileDispatcher::CompileTask::RunInternal/ && !found {gsub(",", "", $1); print $1; found = 1}')
  compiler=${compiler:-0}
  printf '%-26s %6d K instructions per request, %6d K without the optimising compiler\n' \
    "$1 ($MODE)" "$((total / COUNT / 1000))" "$(((total - compiler) / COUNT / 1000))"
  # In some runs V8 optimises Node's process.nextTick on a path that builds each tick object through the runtime:
  # about 30 K more per request, whatever the code under test. Said here, so that such runs are not compared as equals.
  local slow
  slow=$(callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | awk '/Runtime_DefineKeyedOwnPropertyInLiteral/ && !found {gsub(",", "", $1); print $1; found = 1}')
  if (( ${slow:-0} / COUNT > 5000 )); then
    printf '%-26s   of which %d K in process.nextTick'"'"'s slow path (see docs/benchmarks.md)\n' "" "$((slow / COUNT / 1000))"
  fi
  # A full (mark-compact) collection comes every ten or twenty thousand requests: whether one falls in the window
  # moves the count by about 17 K. Said here for the same reason.
  local major
  major=$(callgrind_annotate --inclusive=yes "$dump" 2>/dev/null |
    awk '/ConcurrentMarking::RunMajor|MarkCompactCollector::CollectGarbage\(\)/ {gsub(",", "", $1); sum += $1} END {print sum + 0}')
  if (( major / COUNT > 2000 )); then
    printf '%-26s   of which %d K a full garbage collection (%d K without it)\n' "" "$((major / COUNT / 1000))" \
      "$(((total - compiler - major) / COUNT / 1000))"
  fi
}

echo "callgrind, $COUNT requests at $CONNECTIONS connections after $WARMUP of warm-up, whole process"
[[ -n ${SHUTTLE_ONLY:-} ]] || measure bare "$bare_pid"
measure shuttle "$shuttle_pid"
