#!/usr/bin/env bash
# spark-submit --deploy-mode cluster of the shaded CPU jar to the loopback cluster of start-cluster.sh, through
# org.apache.spark.deploy.SparkSubmit run from the same Spark jars (there is no spark-submit script here).
#   deploy/standalone/submit.sh <job> [s2f args...]
# e.g. deploy/standalone/submit.sh ingest-audio --set data.root=file:/tmp/s2f-cluster \
#        --set input.csv=file:$PWD/samples/avspeech-sample/avspeech.csv --set input.videos=file:$PWD/samples/avspeech-sample/videos
# Waits for the driver to finish and exits 0 only if the driver's state is FINISHED.
set -euo pipefail
S2F_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${S2F_STANDALONE:-/tmp/s2f-standalone}"
export SPARK_HOME="$STATE/spark" SPARK_SCALA_VERSION=2.12
JAR="${S2F_JAR:-$S2F_HOME/spark-jobs/target/speech2face-spark-jobs-0.1.0-SNAPSHOT-cpu.jar}"
[ -f "$JAR" ] || { echo "submit.sh: $JAR does not exist; build it with mvn -Pshade package -DskipTests." >&2; exit 2; }
opens="$(sed -n 's:.*<s2f.jvm.opens>\(.*\)</s2f.jvm.opens>.*:\1:p' "$S2F_HOME/pom.xml" | head -n 1)"
java_opts="$opens -Djavacpp.platform=linux-x86_64 -Dorg.bytedeco.javacpp.platform.extension=-onednn -Dorg.bytedeco.javacpp.maxbytes=1g"
# shellcheck disable=SC2086
java -Xmx512m $opens -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master spark://127.0.0.1:"${S2F_MASTER_PORT:-7077}" --deploy-mode cluster --class org.speech2face.cli.S2f \
  --driver-memory 2g --executor-memory 2g --total-executor-cores 2 \
  --conf spark.standalone.submit.waitAppCompletion=true \
  --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
  --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator \
  --conf "spark.driver.extraJavaOptions=$java_opts" --conf "spark.executor.extraJavaOptions=$java_opts" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  "file:$JAR" "$@"
# The standalone client exits 0 whatever the driver did; ask the master.
state="$(curl -s http://127.0.0.1:8080/json/ | python3 -c 'import json,sys; d=json.load(sys.stdin)["completeddrivers"]; print(max(d, key=lambda x: int(x["starttime"]))["state"] if d else "UNKNOWN")')"
driver_dir="$(ls -td "$STATE"/work/worker*/driver-* 2>/dev/null | head -n 1)"
echo "submit.sh: driver state $state; its output is in $driver_dir"
[ "$state" = FINISHED ]
