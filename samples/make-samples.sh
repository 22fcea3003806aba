#!/usr/bin/env bash
# Remakes the files in samples/ from real clients against a real redis-server (see samples/README.md).
# Needs redis-server, redis-cli and redis-benchmark, and `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$((20000 + RANDOM % 20000))
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no --logfile "$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done

capture() { # capture NAME COMMAND...: MONITOR while COMMAND runs
  local out="samples/$1.monitor"; shift
  redis-cli -p "$port" MONITOR > "$out" & local mon=$!
  until [ -s "$out" ]; do sleep 0.05; done
  "$@"
  redis-cli -p "$port" echo capture-done >/dev/null
  until grep -q capture-done "$out"; do sleep 0.05; done
  kill $mon; wait $mon 2>/dev/null || true
  sed -i '/"echo" "capture-done"/d' "$out"
}

redis-cli -p "$port" flushall >/dev/null
capture app node dist/samples/app-traffic.js "$port"
redis-cli -p "$port" --scan > samples/app.scan
redis-cli -p "$port" --scan --no-raw > samples/app-quoted.scan
node dist/samples/memory-csv.js "$port" > samples/app-memory.csv
redis-cli -p "$port" flushall >/dev/null
capture benchmark redis-benchmark -p "$port" -n 300 -r 1000 -q -t set,get,incr,lpush,mset >/dev/null
wc -l samples/*.monitor samples/*.scan samples/*.csv
redis-cli -p "$port" flushall >/dev/null
capture readiness node dist/samples/readiness-traffic.js "$port"
wc -l samples/readiness.monitor
redis-cli -p "$port" flushall >/dev/null
capture queues node dist/samples/queue-traffic.js "$port"
redis-cli -p "$port" flushall >/dev/null
capture shop node dist/samples/shop-traffic.js "$port"
redis-cli -p "$port" flushall >/dev/null
# No -r: every request hits the same few keys (key:__rand_int__, counter:__rand_int__, mylist): hot single keys.
capture benchmark-hot redis-benchmark -p "$port" -n 500 -q -t set,get,incr,lpush,lrange_100 >/dev/null
wc -l samples/queues.monitor samples/shop.monitor samples/benchmark-hot.monitor
