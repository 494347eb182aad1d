#!/usr/bin/env bash
# Starts a Spark standalone cluster on loopback: one Master (spark://127.0.0.1:7077) and two Workers, run straight
# from the Spark jars Maven resolved for this project (no Spark distribution needed). For trying
# spark-submit --deploy-mode cluster with the shaded jar on one machine; stop it with stop-cluster.sh.
#   deploy/standalone/start-cluster.sh            (state in $S2F_STANDALONE, default /tmp/s2f-standalone)
# Env: S2F_WORKER_CORES (default 2), S2F_WORKER_MEMORY (default 4g), S2F_MASTER_PORT (default 7077).
set -euo pipefail

S2F_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${S2F_STANDALONE:-/tmp/s2f-standalone}"
PORT="${S2F_MASTER_PORT:-7077}"
CORES="${S2F_WORKER_CORES:-2}"
MEMORY="${S2F_WORKER_MEMORY:-4g}"
export SPARK_HOME="$STATE/spark"
# Tells Spark's launcher which Scala build the jars are, so it does not look for a source tree.
export SPARK_SCALA_VERSION=2.12

if [ -f "$STATE/master.pid" ] && kill -0 "$(cat "$STATE/master.pid")" 2>/dev/null; then
  echo "start-cluster.sh: a master is already running (pid $(cat "$STATE/master.pid")); run stop-cluster.sh first." >&2
  exit 1
fi
mkdir -p "$SPARK_HOME/jars" "$STATE/logs"

# SPARK_HOME/jars = the project's provided-scope classpath (Spark, Hadoop client, Scala): what a distribution ships.
if [ -z "$(ls -A "$SPARK_HOME/jars")" ]; then
  echo "start-cluster.sh: resolving Spark's jars with Maven..." >&2
  (cd "$S2F_HOME" && mvn -B -q -o dependency:build-classpath -pl spark-jobs -Dmdep.includeScope=provided \
      -Dmdep.outputFile="$STATE/spark-classpath.txt" >&2)
  tr ':' '\n' < "$STATE/spark-classpath.txt" | while read -r j; do ln -sf "$j" "$SPARK_HOME/jars/"; done
fi

opens="$(sed -n 's:.*<s2f.jvm.opens>\(.*\)</s2f.jvm.opens>.*:\1:p' "$S2F_HOME/pom.xml" | head -n 1)"
daemon() { # name, main class, args...
  local name="$1"; shift
  # shellcheck disable=SC2086
  nohup java -Xmx512m $opens -cp "$SPARK_HOME/jars/*" "$@" > "$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
}

daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 8080
# Readiness from the master's web UI JSON, not from log lines (their level depends on the log4j2 config found).
alive_workers() { curl -s --max-time 2 http://127.0.0.1:8080/json/ 2>/dev/null | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$'; }
for _ in $(seq 1 90); do [ -n "$(alive_workers)" ] && break; sleep 1; done
[ -n "$(alive_workers)" ] || { echo "start-cluster.sh: the master did not start; see $STATE/logs/master.log" >&2; exit 1; }
for i in 1 2; do
  mkdir -p "$STATE/work/worker$i"
  daemon "worker$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" \
    --webui-port $((8080 + i)) --work-dir "$STATE/work/worker$i" "spark://127.0.0.1:$PORT"
done
for _ in $(seq 1 90); do [ "$(alive_workers)" = 2 ] && break; sleep 1; done
[ "$(alive_workers)" = 2 ] || { echo "start-cluster.sh: the workers did not register; see $STATE/logs/worker*.log" >&2; exit 1; }
echo "spark://127.0.0.1:$PORT (2 workers x $CORES cores, $MEMORY); SPARK_HOME=$SPARK_HOME; logs in $STATE/logs"
