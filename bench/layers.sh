#!/usr/bin/env bash
# npm run bench:layers — what each layer of Shuttle costs in CPU per request, beside the bare proxy's: Fastify alone
# (GET /healthz), plus API-key authentication and a JSON list (GET /api/v1/models), plus the whole proxy pipeline
# (POST chat, with and without an end customer). wrk on cpu0 with the fake upstream, the server under test alone on
# cpu1, 32 connections; CPU time from /proc/<pid>/stat. ROUNDS and SECONDS_PER_CELL override the defaults (2, 5).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
SECONDS_PER_CELL=${SECONDS_PER_CELL:-5}
source bench/script-helpers.sh
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

upstream_port=$(free_port)
taskset -c 0 node bench/dist/fake-upstream.js --port "$upstream_port" >/dev/null 2>&1 &
pids+=($!)
bare_port=$(free_port)
taskset -c 1 node bench/dist/bare-proxy.js --port "$bare_port" --upstream "http://127.0.0.1:$upstream_port" >/dev/null 2>&1 &
bare_pid=$!
pids+=("$bare_pid")

start_shuttle_pipeline "$upstream_port"
body=$(chat_body json)
lua() { # method, with customer?
  printf 'wrk.method = "%s"\nwrk.headers["authorization"] = "%s"\n' "$1" "$authorization"
  if [ "$1" = POST ]; then printf 'wrk.headers["content-type"] = "application/json"\nwrk.body = [[%s]]\n' "$body"; fi
  if [ "${2:-}" = customer ]; then printf 'wrk.headers["x-shuttle-customer-id"] = "bench-customer-001"\n'; fi
}
lua GET >"$work/get.lua"
lua POST >"$work/post.lua"
lua POST customer >"$work/post-customer.lua"

measure() { # label pid url script
  taskset -c 0 wrk -t1 -c32 -d1s -s "$4" "$3" >/dev/null
  local before after out requests errors
  before=$(cpu_ticks "$2")
  out=$(taskset -c 0 wrk -t1 -c32 "-d${SECONDS_PER_CELL}s" -s "$4" "$3")
  after=$(cpu_ticks "$2")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  printf '%-52s %8s req  %5s µs CPU/req%s\n' "$1" "$requests" \
    "$(((after - before) * 1000000 / ticks_per_second / requests))" "${errors:+  ($errors non-2xx)}"
}

api="http://127.0.0.1:$shuttle_port"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round (32 connections, ${SECONDS_PER_CELL} s per cell)"
  measure "bare proxy: POST chat relayed" "$bare_pid" "http://127.0.0.1:$bare_port/v1/chat/completions" "$work/post.lua"
  measure "Shuttle GET /healthz (Fastify, hooks, metrics)" "$shuttle_pid" "$api/healthz" "$work/get.lua"
  measure "Shuttle GET /api/v1/models (+ sub-key auth, a list)" "$shuttle_pid" "$api/api/v1/models" "$work/get.lua"
  measure "Shuttle POST chat, no customer (+ limits, proxy)" "$shuttle_pid" "$api/api/v1/chat/completions" "$work/post.lua"
  measure "Shuttle POST chat with X-Shuttle-Customer-Id" "$shuttle_pid" "$api/api/v1/chat/completions" "$work/post-customer.lua"
done
