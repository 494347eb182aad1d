#!/usr/bin/env bash
# Stops what start-cluster.sh started, by the process ids it recorded.
set -euo pipefail
STATE="${S2F_STANDALONE:-/tmp/s2f-standalone}"
for name in worker1 worker2 master; do
  pidfile="$STATE/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
done
