#!/usr/bin/env bash
# npm run bench:levels-perf [-- stream|json] — where the request log's level `full` costs more than `metadata`, by
# thread and by symbol. One Shuttle process (SQLite, alone on cpu1, V8's maps naming its JIT code) serves the
# benchmark's requests at 32 connections. It serves each level in turn (the request header x-shuttle-log lowers it to
# metadata) while perf samples it, after a warm-up at both. Then bench/perf-leaves.ts counts each sample's leaf symbol
# per thread and prints µs per request for each level: by thread, by kind of code, and the symbols that differ most.
# Needs perf (apt-get install -y linux-perf) and wrk. SECONDS_PER_LEVEL (10), WARMUP_SECONDS (10 per level, twice
# over), FREQUENCY (2999 Hz), TOP (25) and ORDER ("full metadata") override the defaults. The main thread's figures
# move by tens of µs from run to run (which level's requests its JIT-compiled code leans toward); the writer thread's
# hold within a few (docs/benchmarks.md, sixteenth session).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-stream}
[[ $MODE == stream || $MODE == json ]] || { echo "usage: npm run bench:levels-perf [-- stream|json]" >&2; exit 2; }
SECONDS_PER_LEVEL=${SECONDS_PER_LEVEL:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
FREQUENCY=${FREQUENCY:-2999}
ORDER=${ORDER:-full metadata}
command -v perf >/dev/null || { echo "perf is not installed: apt-get install -y linux-perf" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
source bench/script-helpers.sh

upstream_port=$(free_port)
taskset -c 0 node bench/dist/fake-upstream.js --port "$upstream_port" >/dev/null 2>&1 &
pids+=($!)
start_shuttle_pipeline "$upstream_port" --perf-basic-prof
body=$(chat_body "$MODE")
for level in full metadata; do
  printf 'wrk.method = "POST"\nwrk.headers["authorization"] = "%s"\nwrk.headers["content-type"] = "application/json"\nwrk.headers["x-shuttle-log"] = "%s"\nwrk.body = [[%s]]\n' \
    "$authorization" "$level" "$body" >"$work/$level.lua"
done
url="http://127.0.0.1:$shuttle_port/api/v1/chat/completions"

for level in full metadata full metadata; do taskset -c 0 wrk -t1 -c32 "-d${WARMUP_SECONDS}s" -s "$work/$level.lua" "$url" >/dev/null; done
declare -A requests
for level in $ORDER; do
  perf record -F "$FREQUENCY" -p "$shuttle_pid" -o "$work/$level.data" >/dev/null 2>&1 &
  perf_pid=$!
  sleep 0.5 # perf attaches to every thread before the load starts
  out=$(taskset -c 0 wrk -t1 -c32 "-d${SECONDS_PER_LEVEL}s" -s "$work/$level.lua" "$url")
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  requests[$level]=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$level: ${requests[$level]} requests in ${SECONDS_PER_LEVEL} s" >&2
  perf script -i "$work/$level.data" -F tid,ip,sym -G 2>/dev/null >"$work/$level.txt"
done
node bench/dist/perf-leaves.js --frequency "$FREQUENCY" --main "$shuttle_pid" --top "${TOP:-25}" \
  --full "$work/full.txt:${requests[full]}" --metadata "$work/metadata.txt:${requests[metadata]}"
