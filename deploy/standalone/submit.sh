#!/usr/bin/env bash
# spark-submit --deploy-mode cluster of the shaded CPU jar to the loopback cluster of start-cluster.sh, through
# org.apache.spark.deploy.SparkSubmit run from the same Spark jars (there is no spark-submit script here).
#   deploy/standalone/submit.sh <job> [s2f args...]
# e.g. deploy/standalone/submit.sh ingest-audio --set data.root=file:/tmp/s2f-cluster \
#        --set input.csv=file:$PWD/samples/avspeech-sample/avspeech.csv --set input.videos=file:$PWD/samples/avspeech-sample/videos
# Env: S2F_STANDALONE (the cluster's state folder), S2F_JAR, S2F_DRIVER_MEMORY (2g), S2F_EXECUTOR_MEMORY (2g),
# S2F_TOTAL_CORES (2: one executor of one core on each worker), S2F_OFFHEAP (1g, ND4J's off-heap per JVM).
# S2F_JAVA_OPTS: more JVM options for the driver and the executors (the cluster tests give -XX:TieredStopAtLevel=1
# -XX:+UseParallelGC: on the few clips of the sample, C2's compile time is never paid back).
# Waits for the driver to finish and exits 0 only if the master reports this driver FINISHED; otherwise prints the
# end of the driver's log. The driver's stdout (the s2f summary lines) is in $S2F_STANDALONE/work/worker*/<driver id>/.
set -euo pipefail
S2F_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${S2F_STANDALONE:-/tmp/s2f-standalone}"
die() { echo "submit.sh: $*" >&2; exit 2; }
[ -f "$STATE/cluster.env" ] || die "no cluster is running from $STATE ($STATE/cluster.env is missing); run start-cluster.sh first."
STATE="$(cd "$STATE" && pwd)"
# shellcheck disable=SC1091
source "$STATE/cluster.env"
export SPARK_HOME="$STATE/spark" SPARK_SCALA_VERSION=2.12
JAR="${S2F_JAR:-$S2F_HOME/spark-jobs/target/speech2face-spark-jobs-0.1.0-SNAPSHOT-cpu.jar}"
[ -f "$JAR" ] || die "$JAR does not exist; build it with mvn -DskipTests package."
[ $# -gt 0 ] || die "no job given; usage: submit.sh <job> [s2f args...]"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"

# pom_property: the JVM options' one source, as the YARN and Kubernetes wrappers read it.
# shellcheck source=deploy/submit-common.sh
source "$S2F_HOME/deploy/submit-common.sh"
opens="$(pom_property s2f.jvm.opens)" || exit 2
heap="$(pom_property s2f.jvm.heap)" || exit 2
java_opts="$opens $heap -Djavacpp.platform=linux-x86_64 -Dorg.bytedeco.javacpp.platform.extension=-onednn"
java_opts+=" -Dorg.bytedeco.javacpp.maxbytes=${S2F_OFFHEAP:-1g}"
java_opts+="${S2F_JAVA_OPTS:+ $S2F_JAVA_OPTS}"
log="$(mktemp "${TMPDIR:-/tmp}/s2f-submit.XXXXXX")"
trap 'rm -f "$log"' EXIT
# The client runs in the background so that a TERM or INT reaching this script stops it at once.
client=""
stop_client() { [ -z "$client" ] || kill "$client" 2>/dev/null || true; }
trap 'stop_client; exit 143' TERM
trap 'stop_client; exit 130' INT
# shellcheck disable=SC2086
java -Xmx512m $opens -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "$S2F_MASTER_URL" --deploy-mode cluster --class org.speech2face.cli.S2f --name "s2f-$1" \
  --driver-memory "${S2F_DRIVER_MEMORY:-2g}" --executor-memory "${S2F_EXECUTOR_MEMORY:-2g}" \
  --total-executor-cores "${S2F_TOTAL_CORES:-2}" \
  --conf spark.standalone.submit.waitAppCompletion=true \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator \
  --conf "spark.driver.extraJavaOptions=$java_opts" --conf "spark.executor.extraJavaOptions=$java_opts" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  --conf spark.executorEnv.MALLOC_ARENA_MAX=2 --conf spark.executorEnv.MALLOC_MMAP_THRESHOLD_=1048576 \
  --conf spark.executorEnv.GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
  "file:$JAR" "$@" > "$log" 2>&1 &
client=$!
tail -n +1 -f --pid="$client" "$log" &
tailer=$!
wait "$client" || true
client=""
wait "$tailer" || true

# The standalone client exits 0 whatever the driver did; ask the master about this driver.
driver="$(grep -o 'driver-[0-9]*-[0-9]*' "$log" | head -n 1 || true)"
[ -n "$driver" ] || die "the master did not accept the driver (no driver id in the client's output above)."
state=UNKNOWN
for _ in $(seq 1 30); do
  state="$(curl -s --max-time 5 "$S2F_MASTER_UI/json/" | python3 -c '
import json, sys
d = {x["id"]: x["state"] for x in json.load(sys.stdin).get("completeddrivers", [])}
print(d.get(sys.argv[1], "RUNNING"))' "$driver" 2>/dev/null || echo UNKNOWN)"
  [ "$state" = RUNNING ] || [ "$state" = UNKNOWN ] || break
  sleep 1
done
driver_dir="$(ls -d "$STATE"/work/worker*/"$driver" 2>/dev/null | head -n 1 || true)"
echo "submit.sh: $driver $state; its output is in ${driver_dir:-(no driver folder)}"
if [ "$state" != FINISHED ]; then
  [ -n "$driver_dir" ] && tail -n 60 "$driver_dir/stderr" >&2
  exit 1
fi
