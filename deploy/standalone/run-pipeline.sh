#!/usr/bin/env bash
# The whole pipeline on a loopback standalone cluster, submitted as on a real one: starts a master and two workers
# (start-cluster.sh), submits `pipeline` (whose last stage, export, writes the notebooks' samples) in cluster deploy
# mode from the shaded jar (submit.sh), and stops the cluster whatever happened: success, a failed stage, TERM or INT.
#   deploy/standalone/run-pipeline.sh <data root URI> [s2f args...]
# e.g. deploy/standalone/run-pipeline.sh file:/tmp/s2f-cluster
# The input is the bundled sample as file: URIs; later --set arguments override it. Env: as start-cluster.sh and
# submit.sh (S2F_STANDALONE, ports, S2F_JAR, memory).
set -euo pipefail
S2F_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$S2F_HOME/deploy/standalone"
[ $# -gt 0 ] || { echo "usage: run-pipeline.sh <data root URI, e.g. file:/tmp/s2f-cluster> [s2f args...]" >&2; exit 2; }
ROOT="$1"; shift
[[ "$ROOT" =~ ^[a-z][a-z0-9+.-]*: ]] || { echo "run-pipeline.sh: data root '$ROOT' is not a URI such as file:/tmp/s2f-cluster or hdfs://nn/s2f." >&2; exit 2; }
SAMPLE="$S2F_HOME/samples/avspeech-sample"

child=""
stop_child() { [ -z "$child" ] || kill "$child" 2>/dev/null || true; }
trap 'stop_child; exit 143' TERM
trap 'stop_child; exit 130' INT
# Each step runs in the background and is waited for, so a signal is handled at once rather than after the step.
step() { "$@" & child=$!; local rc=0; wait "$child" || rc=$?; child=""; return $rc; }

step "$HERE/start-cluster.sh"
trap '"$HERE/stop-cluster.sh"' EXIT

t0=$SECONDS
# Shuffles sized for the sample on this cluster's 4 cores: Spark's 200 partitions would run 200 tasks of a few rows
# each in every query over a stage's cached plan (docs/benchmarks.md#shuffle-partitions).
step "$HERE/submit.sh" pipeline --set "data.root=$ROOT" --set "input.csv=file:$SAMPLE/avspeech.csv" \
  --set "input.videos=file:$SAMPLE/videos" --set "gender.labels=file:$SAMPLE/gender.csv" \
  --set 'spark.conf."spark.sql.shuffle.partitions"=8' "$@"
echo "run-pipeline.sh: pipeline $((SECONDS - t0)) s (submit to driver FINISHED); data in $ROOT"
