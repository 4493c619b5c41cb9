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
