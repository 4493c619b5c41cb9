# Sourced by the benchmark's shell scripts (layers.sh, instructions.sh): a scratch directory ($work) and the processes
# they start ($pids), both cleaned up on exit; a free port; waiting for a server.
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
# Waits (up to TRIES half-seconds, 120 by default) for a 2xx answer, or with `wait_listening` for any answer at all.
wait_http() { for _ in $(seq 1 "${TRIES:-120}"); do curl -sf "$1" >/dev/null && return; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }
wait_listening() { for _ in $(seq 1 "${TRIES:-120}"); do curl -s -o /dev/null "$1" && return; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }

# Starts Shuttle (SQLite, in $work) alone on cpu1, relaying to the fake upstream on port $1, with any node flags after
# it; bootstraps a tenant and gives it the benchmark's own set-up (a sub-key, 100 customers, cost and rate limits on
# tenant, key and customers). Sets shuttle_port, shuttle_pid, and authorization: the sub-key's header value.
start_shuttle_pipeline() { # upstream_port [node flags...]
  local upstream_port=$1 password
  shift
  shuttle_port=$(free_port)
  export DATABASE_URL="sqlite://$work/shuttle.db" OPENAI_BASE_URL="http://127.0.0.1:$upstream_port/v1" OPENAI_API_KEY=sk-bench \
    HOST=127.0.0.1 PORT="$shuttle_port" LOG_LEVEL=warn SHUTTLE_SECRET="$(openssl rand -hex 32)"
  password=$(openssl rand -hex 12)
  node bin/shuttle.js bootstrap --tenant Bench --email bench@example.com --password "$password" --json >/dev/null
  taskset -c 1 node "$@" bin/shuttle.js serve >/dev/null 2>&1 &
  shuttle_pid=$!
  pids+=("$shuttle_pid")
  wait_http "http://127.0.0.1:$shuttle_port/healthz"
  authorization=$(node --input-type=module -e "
    import { configureShuttlePipeline } from './bench/dist/shuttle-launcher.js';
    const pipeline = await configureShuttlePipeline('http://127.0.0.1:$shuttle_port', { email: 'bench@example.com', password: '$password' });
    console.log(pipeline.headers.authorization);")
}

# The benchmark's chat request body: json or stream.
chat_body() { node --input-type=module -e "import { chatRequestBody } from './bench/dist/chat-request.js'; console.log(chatRequestBody('$1'));"; }
