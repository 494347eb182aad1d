#!/usr/bin/env bash
# Runs one s2f job on YARN in cluster deploy mode with the shaded jar.
#   deploy/submit-yarn.sh [options] <job> [s2f args...]
# e.g. deploy/submit-yarn.sh --conf conf/cluster.conf --executors 20 ingest-faces
#      deploy/submit-yarn.sh --conf hdfs:///s2f/cluster.conf --gpu --executors 4 train-decoder
# Needs spark-submit on the PATH (or SPARK_HOME) and HADOOP_CONF_DIR/YARN_CONF_DIR pointing at the cluster.
set -euo pipefail
# shellcheck source=deploy/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

usage() {
  echo "usage: $(basename "$0") [options] <job> [s2f args...]"
  usage_common
  echo "  --queue NAME             YARN queue (default: the cluster's default)"
}

QUEUE=""
parse_specific() {
  case "$1" in
    --queue) QUEUE="${2:?--queue needs a name}"; SHIFT_BY=2; return 0 ;;
  esac
  return 1
}

parse_args "$@"
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
if [ -n "$CONF" ]; then
  if [[ "$CONF" != *:* ]] && [ ! -f "$CONF" ]; then die "The config file $CONF does not exist."; fi
  FILES+=("$CONF")
fi
if [ ${#FILES[@]} -gt 0 ]; then SUBMIT+=(--files "$(IFS=,; echo "${FILES[*]}")"); fi
SUBMIT+=("$JAR" "$JOB")
[ -z "$CONF" ] || SUBMIT+=(--conf "$(basename "$CONF")")
SUBMIT+=("${S2F_ARGS[@]}")
run_submit
