# Shared by submit-yarn.sh and submit-k8s.sh (sourced, not run). Parses the options both wrappers take, and
# builds the spark-submit arguments that do not depend on the cluster manager.
# shellcheck shell=bash

S2F_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
S2F_VERSION="0.1.0-SNAPSHOT"
# Stages that train or run the networks; --gpu is refused for the others (ingest is FFmpeg/OpenCV on the CPU).
GPU_STAGES=" face-features train-gender predict-gender face-prior train-decoder train-encoder evaluate pipeline "

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

# Prints an argument so that a shell reads it back as the same single word.
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}

# Size like 8g, 512m, 2048 (MiB) -> MiB.
to_mib() {
  local v="${1,,}"
  case "$v" in
    *t) echo $(( ${v%t} * 1024 * 1024 )) ;;
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo $(( ${v%m} )) ;;
    *[0-9]) echo $(( v )) ;;
    *) die "Size '$1' is not a number of MiB or a number with m, g or t (e.g. 4g)." ;;
  esac
}

# The Java 17 --add-opens list: the parent POM's s2f.jvm.opens property is its one source (surefire and bin/s2f
# use it too).
java17_opens() {
  local pom="$S2F_HOME/pom.xml" line
  line="$(sed -n 's:.*<s2f.jvm.opens>\(.*\)</s2f.jvm.opens>.*:\1:p' "$pom" 2>/dev/null | head -n 1)"
  [ -n "$line" ] || die "Cannot read the s2f.jvm.opens property from $pom; run the wrapper from a checkout of the project."
  printf '%s' "$line"
}

usage_common() {
  cat <<'USAGE'
options:
  --conf FILE|URI          s2f HOCON config: a local file, or an hdfs:/s3a:/gs: URI; shipped with --files and
                           passed to s2f as --conf <basename> (default: the config embedded in the jar)
  --jar PATH|URI           the shaded jar (default: spark-jobs/target/speech2face-spark-jobs-<v>-cpu.jar, -cuda.jar with --gpu)
  --executors N            executor count (default 2)
  --executor-memory SIZE   JVM heap per executor (default 8g)
  --executor-cores N       cores per executor (default 4)
  --driver-memory SIZE     driver heap (default 4g)
  --offheap SIZE           ND4J/JavaCPP off-heap per JVM (default 4g); added to spark.executor.memoryOverhead
  --gpu                    one GPU per executor and per task (training and inference stages only)
  --name NAME              application name (default s2f-<job>)
  --spark-conf KEY=VALUE   any other Spark setting (repeatable)
  --dry-run                print the spark-submit command and exit 0
USAGE
}

# Sets: JOB, S2F_ARGS[], CONF, JAR, EXECUTORS, EXEC_MEM, EXEC_CORES, DRIVER_MEM, OFFHEAP, GPU, NAME, EXTRA_CONF[],
# DRY_RUN, and wrapper-specific options through parse_specific (returns 0 and sets SHIFT_BY when it takes one).
parse_args() {
  JOB=""; S2F_ARGS=(); CONF=""; JAR=""; EXECUTORS=2; EXEC_MEM=8g; EXEC_CORES=4; DRIVER_MEM=4g; OFFHEAP=4g
  GPU=false; NAME=""; EXTRA_CONF=(); DRY_RUN=false
  while [ $# -gt 0 ]; do
    case "$1" in
      --conf) CONF="${2:?--conf needs a file or URI}"; shift 2 ;;
      --jar) JAR="${2:?--jar needs a path}"; shift 2 ;;
      --executors) EXECUTORS="${2:?--executors needs a number}"; shift 2 ;;
      --executor-memory) EXEC_MEM="${2:?--executor-memory needs a size}"; shift 2 ;;
      --executor-cores) EXEC_CORES="${2:?--executor-cores needs a number}"; shift 2 ;;
      --driver-memory) DRIVER_MEM="${2:?--driver-memory needs a size}"; shift 2 ;;
      --offheap) OFFHEAP="${2:?--offheap needs a size}"; shift 2 ;;
      --gpu) GPU=true; shift ;;
      --name) NAME="${2:?--name needs a value}"; shift 2 ;;
      --spark-conf) EXTRA_CONF+=("${2:?--spark-conf needs KEY=VALUE}"); shift 2 ;;
      --dry-run) DRY_RUN=true; shift ;;
      -h|--help) usage; exit 0 ;;
      --) shift; S2F_ARGS+=("$@"); break ;;
      *)
        if parse_specific "$@"; then shift "$SHIFT_BY"
        elif [ -z "$JOB" ] && [[ "$1" != -* ]]; then JOB="$1"; shift
        elif [ -n "$JOB" ]; then S2F_ARGS+=("$@"); break
        else die "Unknown option '$1'; see --help."
        fi ;;
    esac
  done
  [ -n "$JOB" ] || die "No job given; usage: $(basename "$0") [options] <job> [s2f args...]"
  [[ "$EXECUTORS" =~ ^[1-9][0-9]*$ ]] || die "Executor count '$EXECUTORS' is not a positive whole number."
  [[ "$EXEC_CORES" =~ ^[1-9][0-9]*$ ]] || die "Executor cores '$EXEC_CORES' is not a positive whole number."
  if $GPU && [[ "$GPU_STAGES" != *" $JOB "* ]]; then
    die "Job '$JOB' does not run the networks, so --gpu would only waste a GPU; GPU stages are:$GPU_STAGES"
  fi
  [ -n "$NAME" ] || NAME="s2f-$JOB"
}

# Fills SUBMIT[] with the settings both cluster managers share. $1: the jar as the cluster sees it,
# $2: the GPU discovery script path as executors see it.
common_submit_args() {
  local jar="$1" discovery="$2" ext opens heap_mib off_mib java_opts
  if $GPU; then ext="-cudnn"; else ext="-onednn"; fi
  opens="$(java17_opens)"
  heap_mib="$(to_mib "$EXEC_MEM")"; off_mib="$(to_mib "$OFFHEAP")"
  # maxbytes caps ND4J's off-heap arrays; maxphysicalbytes caps heap + off-heap, past which JavaCPP collects and
  # then fails instead of letting the container manager kill the JVM. The overhead adds 1 GiB for netty, natives
  # (FFmpeg, OpenCV, oneDNN) and thread stacks.
  java_opts="$opens -Djavacpp.platform=linux-x86_64 -Dorg.bytedeco.javacpp.platform.extension=$ext"
  java_opts+=" -Dorg.bytedeco.javacpp.maxbytes=${off_mib}m -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( heap_mib + off_mib ))m"
  SUBMIT+=(--deploy-mode cluster --name "$NAME" --class org.speech2face.cli.S2f
    --num-executors "$EXECUTORS" --executor-memory "$EXEC_MEM" --executor-cores "$EXEC_CORES"
    --driver-memory "$DRIVER_MEM"
    --conf spark.executor.instances="$EXECUTORS"
    --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
    --conf spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator
    --conf spark.executor.memoryOverhead="$(( off_mib + 1024 ))m"
    --conf spark.driver.memoryOverhead="$(( off_mib + 1024 ))m"
    --conf "spark.driver.extraJavaOptions=$java_opts"
    --conf "spark.executor.extraJavaOptions=$java_opts"
    # libgomp busy-waits by default; with a task per core that makes ND4J many times slower.
    --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE)
  if $GPU; then
    SUBMIT+=(--conf spark.executor.resource.gpu.amount=1
      --conf spark.task.resource.gpu.amount=1
      --conf spark.executor.resource.gpu.discoveryScript="$discovery")
  fi
  local kv
  for kv in "${EXTRA_CONF[@]}"; do SUBMIT+=(--conf "$kv"); done
  : "$jar"
}

default_jar() {
  if $GPU; then echo "$S2F_HOME/spark-jobs/target/speech2face-spark-jobs-$S2F_VERSION-cuda.jar"
  else echo "$S2F_HOME/spark-jobs/target/speech2face-spark-jobs-$S2F_VERSION-cpu.jar"; fi
}

# Prints (dry run) or runs SUBMIT[].
run_submit() {
  if $DRY_RUN; then
    local first=true a
    for a in "${SUBMIT[@]}"; do $first || printf ' '; first=false; quote "$a"; done
    printf '\n'
    exit 0
  fi
  exec "${SUBMIT[@]}"
}
