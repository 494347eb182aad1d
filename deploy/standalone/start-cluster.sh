#!/usr/bin/env bash
# Starts a Spark standalone cluster on loopback: one Master and two Workers, run straight from the Spark jars Maven
# resolved for this project (no Spark distribution needed). For trying spark-submit --deploy-mode cluster with the
# shaded jar on one machine; submit with submit.sh, stop it with stop-cluster.sh (run-pipeline.sh does all three).
#   deploy/standalone/start-cluster.sh            (state in $S2F_STANDALONE, default /tmp/s2f-standalone)
# Env: S2F_STANDALONE, S2F_MASTER_PORT (7077), S2F_MASTER_UI_PORT (8080), S2F_WORKER_UI_PORT (the first worker's UI;
# default master UI + 1, the second worker's is one more), S2F_WORKER_CORES (2), S2F_WORKER_MEMORY (4g).
# Writes $S2F_STANDALONE/cluster.env (master URL and UI port) for submit.sh and stop-cluster.sh. If it fails half
# way, it stops the daemons it had started.
set -euo pipefail

S2F_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${S2F_STANDALONE:-/tmp/s2f-standalone}"
mkdir -p "$STATE" && STATE="$(cd "$STATE" && pwd)"
PORT="${S2F_MASTER_PORT:-7077}"
UI_PORT="${S2F_MASTER_UI_PORT:-8080}"
WORKER_UI_PORT="${S2F_WORKER_UI_PORT:-$((UI_PORT + 1))}"
CORES="${S2F_WORKER_CORES:-2}"
MEMORY="${S2F_WORKER_MEMORY:-4g}"
export SPARK_HOME="$STATE/spark"
# Tells Spark's launcher which Scala build the jars are, so it does not look for a source tree.
export SPARK_SCALA_VERSION=2.12

die() { echo "start-cluster.sh: $*" >&2; exit 1; }
for p in "$PORT" "$UI_PORT" "$WORKER_UI_PORT"; do
  [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -ge 1024 ] && [ "$p" -le 65534 ] || die "Port '$p' is not a number in 1024..65534."
done
if [ -f "$STATE/master.pid" ] && kill -0 "$(cat "$STATE/master.pid")" 2>/dev/null; then
  die "a master is already running from $STATE (pid $(cat "$STATE/master.pid")); run stop-cluster.sh first."
fi
mkdir -p "$SPARK_HOME/jars" "$STATE/logs"

# SPARK_HOME/jars = Spark, Hadoop client and Scala at the parent POM's versions, with their own dependencies and
# nothing of s2f: what a Spark distribution ships. Resolved by Maven (online if ~/.m2 lacks some of them), again
# only when those versions change.
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$S2F_HOME/pom.xml" | head -n 1; }
dep() { echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version></dependency>"; }
{
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>local</groupId><artifactId>spark-dist</artifactId><version>1</version><packaging>pom</packaging>'
  # Maven's nearest-wins picks versions older than the ones a Spark 3.5 distribution ships: jackson-core 2.14.2
  # (Spark SQL's JSON reader needs 2.15: StreamReadConstraints) and slf4j-api 1.7.36 (no binding for Spark's
  # log4j2-slf4j2 bridge: every daemon would log nothing).
  echo '<dependencyManagement><dependencies>'
  dep com.fasterxml.jackson.core jackson-core 2.15.2
  dep org.slf4j slf4j-api 2.0.7
  echo '</dependencies></dependencyManagement><dependencies>'
  for m in spark-core spark-sql spark-mllib; do dep org.apache.spark "${m}_2.12" "$(prop spark.version)"; done
  for m in hadoop-client-api hadoop-client-runtime; do dep org.apache.hadoop "$m" "$(prop hadoop.version)"; done
  for m in scala-library scala-reflect; do dep org.scala-lang "$m" "$(prop scala.version)"; done
  echo '</dependencies></project>'
} > "$STATE/spark-dist-pom.xml.new"
if [ -z "$(ls -A "$SPARK_HOME/jars")" ] || ! cmp -s "$STATE/spark-dist-pom.xml.new" "$STATE/spark-dist-pom.xml"; then
  echo "start-cluster.sh: resolving Spark's jars with Maven..." >&2
  rm -rf "$SPARK_HOME/jars" "$STATE/spark-dist-pom.xml"
  mkdir -p "$SPARK_HOME/jars"
  # shellcheck disable=SC2086
  mvn -B -q -Dstyle.color=never ${S2F_MVN_OPTS:-} -f "$STATE/spark-dist-pom.xml.new" dependency:copy-dependencies \
      -DoutputDirectory="$SPARK_HOME/jars" >&2 || die "Maven could not resolve Spark's jars (see above)."
  mv "$STATE/spark-dist-pom.xml.new" "$STATE/spark-dist-pom.xml"
fi
rm -f "$STATE/spark-dist-pom.xml.new"

# From here on, a failure stops whatever this script started.
started=false
cleanup() { if [ $? -ne 0 ] && $started; then S2F_STANDALONE="$STATE" "$S2F_HOME/deploy/standalone/stop-cluster.sh" >&2 || true; fi; }
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

opens="$(sed -n 's:.*<s2f.jvm.opens>\(.*\)</s2f.jvm.opens>.*:\1:p' "$S2F_HOME/pom.xml" | head -n 1)"
daemon() { # name, main class, args...
  local name="$1"; shift
  # shellcheck disable=SC2086
  nohup java -Xmx512m $opens -cp "$SPARK_HOME/jars/*" "$@" > "$STATE/logs/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
  started=true
}
# Readiness from the master's web UI JSON, not from log lines (their level depends on the log4j2 config found).
alive_workers() { curl -s --max-time 2 "http://127.0.0.1:$UI_PORT/json/" 2>/dev/null | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || true; }
alive() { kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }

daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT"
for _ in $(seq 1 90); do [ -n "$(alive_workers)" ] && break; alive master || break; sleep 1; done
[ -n "$(alive_workers)" ] || die "the master did not start on ports $PORT/$UI_PORT; see $STATE/logs/master.log"
for i in 1 2; do
  mkdir -p "$STATE/work/worker$i"
  daemon "worker$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$CORES" --memory "$MEMORY" \
    --webui-port $((WORKER_UI_PORT + i - 1)) --work-dir "$STATE/work/worker$i" "spark://127.0.0.1:$PORT"
done
for _ in $(seq 1 90); do
  [ "$(alive_workers)" = 2 ] && break
  alive worker1 && alive worker2 || break
  sleep 1
done
[ "$(alive_workers)" = 2 ] || die "the workers did not register; see $STATE/logs/worker*.log"
printf 'S2F_MASTER_URL=spark://127.0.0.1:%s\nS2F_MASTER_UI=http://127.0.0.1:%s\n' "$PORT" "$UI_PORT" > "$STATE/cluster.env"
echo "spark://127.0.0.1:$PORT (2 workers x $CORES cores, $MEMORY; UI http://127.0.0.1:$UI_PORT); SPARK_HOME=$SPARK_HOME; logs in $STATE/logs"
