#!/usr/bin/env bash
# Runs one s2f job on YARN in cluster deploy mode with the shaded jar.
#   deploy/submit-yarn.sh [options] <job> [s2f args...]
# e.g. deploy/submit-yarn.sh --conf conf/cluster.conf --executors 20 ingest-faces
#      deploy/submit-yarn.sh --conf hdfs:///s2f/cluster.conf --gpu --executors 4 train-decoder
# Needs spark-submit on the PATH (or SPARK_HOME) and HADOOP_CONF_DIR/YARN_CONF_DIR pointing at the cluster.
# Before submitting, the container sizes are checked against the cluster's NodeManagers (see --skip-capacity-check).
# Commands that start no Spark application run on this machine instead (see LOCAL_JOBS below).
set -euo pipefail
# shellcheck source=deploy/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

usage() {
  echo "usage: $(basename "$0") [options] <job> [s2f args...]"
  usage_common
  echo "  --queue NAME             YARN queue (default: the cluster's default)"
  echo "  --skip-capacity-check    submit without checking the containers against the NodeManagers' sizes"
  echo "                           (for clusters that add larger nodes on demand)"
}

QUEUE=""; CAPACITY_CHECK=true
parse_specific() {
  case "$1" in
    --queue) QUEUE="${2:?--queue needs a name}"; SHIFT_BY=2; return 0 ;;
    --skip-capacity-check) CAPACITY_CHECK=false; SHIFT_BY=1; return 0 ;;
  esac
  return 1
}

# In cluster deploy mode YARN runs the s2f command as its application master and ends the application FAILED
# (exit code 13, "User did not initialize spark context!") when the command never starts Spark. These commands
# never do, or (generate) only for a folder of voices: they run in client deploy mode, with this process as the
# driver, so nothing is submitted unless the command starts Spark, whose executors then run on YARN.
LOCAL_JOBS=" show-config describe-models models face-attributes generate "
NO_SPARK_JOBS=" show-config describe-models models face-attributes "
# Measures this machine, on a Spark it starts itself; meaningless as a YARN application.
REFUSED_JOBS=" bench "

parse_args "$@"
if [[ "$REFUSED_JOBS" == *" $JOB "* ]]; then
  die "'$JOB' measures the machine it runs on and is not submitted to YARN; run it there with: bin/s2f $JOB ${S2F_ARGS[*]}"
fi
DEPLOY_MODE=cluster
if [[ "$LOCAL_JOBS" == *" $JOB "* ]]; then
  DEPLOY_MODE=client
  # The driver is this process: s2f reads --conf itself, and only from local disk.
  if [[ "$CONF" == *:* ]]; then
    die "'$JOB' runs on this machine (client deploy mode, as it starts no YARN application of its own), so --conf must be a local file; got $CONF. Copy it here first (hdfs dfs -get $CONF)."
  fi
  if [ -n "$CONF" ] && [ ! -f "$CONF" ]; then die "The config file $CONF does not exist."; fi
fi
[ -n "$JAR" ] || JAR="$(default_jar)"
if [[ "$JAR" != *:* ]] && ! $DRY_RUN && [ ! -f "$JAR" ]; then
  die "The jar $JAR does not exist; build it with: mvn -DskipTests package$($GPU && echo ' -Pcuda')"
fi

SUBMIT=("${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit" --master yarn)
[ -z "$QUEUE" ] || SUBMIT+=(--queue "$QUEUE")
FILES=()
# YARN localises --files (local paths and hdfs:/s3a: URIs alike) into each container's working directory,
# so the driver finds the config and the executors the discovery script by their base names.
if $GPU; then FILES+=("$S2F_HOME/deploy/gpu-discovery.sh"); fi
common_submit_args "$JAR" "./gpu-discovery.sh"
if [ "$DEPLOY_MODE" = client ]; then
  for i in "${!SUBMIT[@]}"; do
    if [ "${SUBMIT[$i]}" = --deploy-mode ]; then SUBMIT[i+1]=client; fi
  done
fi
if [ -n "$CONF" ] && [ "$DEPLOY_MODE" = cluster ]; then
  if [[ "$CONF" != *:* ]] && [ ! -f "$CONF" ]; then die "The config file $CONF does not exist."; fi
  FILES+=("$CONF")
fi
if [ ${#FILES[@]} -gt 0 ]; then SUBMIT+=(--files "$(IFS=,; echo "${FILES[*]}")"); fi
SUBMIT+=("$JAR" "$JOB")
if [ -n "$CONF" ]; then
  if [ "$DEPLOY_MODE" = cluster ]; then SUBMIT+=(--conf "$(basename "$CONF")"); else SUBMIT+=(--conf "$CONF"); fi
fi
SUBMIT+=("${S2F_ARGS[@]}")

# Spark's client refuses a container above the scheduler's maximum, but one that fits the maximum and no
# NodeManager (or a driver and its first executor that fit no two nodes) would wait forever; ask the
# ResourceManager what its nodes offer first. An unreachable ResourceManager or an unusable jar is a note only.
check_capacity() {
  local jars="" conf_dir="${HADOOP_CONF_DIR:-${YARN_CONF_DIR:-}}" submit_bin
  if [ -n "${SPARK_HOME:-}" ]; then jars="$SPARK_HOME/jars"
  elif submit_bin="$(command -v spark-submit 2>/dev/null)"; then jars="$(cd "$(dirname "$(readlink -f "$submit_bin")")/.." && pwd)/jars"
  fi
  if [[ "$JAR" == *:* ]] || [ ! -d "$jars" ]; then
    echo "$(basename "$0"): note: container sizes not checked against the cluster (needs a local jar and SPARK_HOME/jars)." >&2
    return 0
  fi
  local rc=0
  "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx128m -cp "$JAR:$jars/*${SPARK_DIST_CLASSPATH:+:$SPARK_DIST_CLASSPATH}${conf_dir:+:$conf_dir}" \
    org.speech2face.deploy.YarnCapacityCheck "${SUBMIT[@]:1}" || rc=$?
  [ "$rc" -eq 0 ] || exit "$rc"
}
if ! $DRY_RUN && $CAPACITY_CHECK && [[ "$NO_SPARK_JOBS" != *" $JOB "* ]]; then check_capacity; fi
run_submit
