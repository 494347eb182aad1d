#!/usr/bin/env bash
# Stops what start-cluster.sh started, by the process ids it recorded (workers first: their shutdown kills the
# drivers and executors they launched). A process that ignores SIGTERM for 15 s gets SIGKILL. Safe to run twice.
#   deploy/standalone/stop-cluster.sh            (state in $S2F_STANDALONE, default /tmp/s2f-standalone)
set -uo pipefail
STATE="${S2F_STANDALONE:-/tmp/s2f-standalone}"
[ -d "$STATE" ] || exit 0
STATE="$(cd "$STATE" && pwd)"

# A recorded pid counts only while it is still a Spark daemon of this state folder (pids get reused).
ours() {
  local c
  # The braces put the redirect's own error (the process ended meanwhile) under 2>/dev/null too.
  c="$({ tr '\0' ' ' < "/proc/$1/cmdline"; } 2>/dev/null)" || return 1
  [[ "$c" == *org.apache.spark.deploy.* && "$c" == *"$STATE"* ]]
}

status=0
for name in worker1 worker2 master; do
  pidfile="$STATE/$name.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if ours "$pid"; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 30); do ours "$pid" || break; sleep 0.5; done
    if ours "$pid"; then
      echo "stop-cluster.sh: $name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL." >&2
      kill -9 "$pid" 2>/dev/null
      sleep 0.5
    fi
    if ours "$pid"; then
      echo "stop-cluster.sh: could not stop $name (pid $pid)." >&2
      status=1
      continue
    fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
done
# Drivers and executors die with their worker; one left behind (a worker killed with SIGKILL) runs from this
# state's SPARK_HOME, which names it.
for proc in /proc/[0-9]*; do
  pid="${proc#/proc/}"
  if ours "$pid"; then
    echo "stop-cluster.sh: pid $pid outlived its worker; sending SIGKILL." >&2
    kill -9 "$pid" 2>/dev/null || status=1
  fi
done
rm -f "$STATE/cluster.env"
exit $status
