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
  [[ "$v" =~ ^[0-9]+[mgt]?$ ]] \
    || die "Size '$1' is not a whole number of MiB or a whole number with m, g or t (e.g. 4g)."
  case "$v" in
    *t) echo $(( ${v%t} * 1024 * 1024 )) ;;
    *g) echo $(( ${v%g} * 1024 )) ;;
    *m) echo $(( ${v%m} )) ;;
    *) echo $(( v )) ;;
  esac
}

# A property of the parent POM, the one source of the JVM options that surefire, bin/s2f and the wrappers share:
# s2f.jvm.opens (the Java 17 --add-opens list) and s2f.jvm.heap (a heap that keeps what it grew to).
pom_property() {
  local pom="$S2F_HOME/pom.xml" line
  line="$(sed -n "s:.*<$1>\\(.*\\)</$1>.*:\\1:p" "$pom" 2>/dev/null | head -n 1)"
  [ -n "$line" ] || die "Cannot read the $1 property from $pom; run the wrapper from a checkout of the project."
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
  --executor-cores N       cores per executor (default 4; 1 with --gpu, where more become spark.task.cpus of the
                           one GPU task)
  --driver-memory SIZE     driver heap (default 4g)
  --offheap SIZE           ND4J/JavaCPP off-heap per JVM (default 4g); added to spark.{driver,executor}.memoryOverhead
  --gpu                    one GPU per executor and per task (training and inference stages only); the driver
                           keeps no GPU and runs ND4J's CPU backend
  --event-log-dir URI|none Spark event logs for the History Server (default: hdfs:///spark-events on YARN,
                           s3a://s2f-data/spark-events on Kubernetes; $S2F_EVENT_LOG_DIR overrides); must exist
  --name NAME              application name (default s2f-<job>)
  --spark-conf KEY=VALUE   any other Spark setting (repeatable); spark.{driver,executor}.extraJavaOptions add to
                           the wrapper's options, which go in spark.{driver,executor}.defaultJavaOptions
  --dry-run                print the spark-submit command and exit 0
USAGE
}

# Sets: JOB, S2F_ARGS[], CONF, JAR, EXECUTORS, EXEC_MEM, EXEC_CORES, DRIVER_MEM, OFFHEAP, GPU, EVENT_LOG_DIR, NAME,
# EXTRA_CONF[], DRY_RUN, and wrapper-specific options through parse_specific (returns 0 and sets SHIFT_BY when it
# takes one).
parse_args() {
  JOB=""; S2F_ARGS=(); CONF=""; JAR=""; EXECUTORS=2; EXEC_MEM=8g; EXEC_CORES=""; DRIVER_MEM=4g; OFFHEAP=4g
  GPU=false; EVENT_LOG_DIR="${S2F_EVENT_LOG_DIR:-}"; NAME=""; EXTRA_CONF=(); DRY_RUN=false
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
      --event-log-dir) EVENT_LOG_DIR="${2:?--event-log-dir needs a URI or none}"; shift 2 ;;
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
  # A GPU executor runs one task at a time (one GPU, one GPU per task), so one core; more would sit idle.
  if [ -z "$EXEC_CORES" ]; then if $GPU; then EXEC_CORES=1; else EXEC_CORES=4; fi; fi
  [[ "$EXEC_CORES" =~ ^[1-9][0-9]*$ ]] || die "Executor cores '$EXEC_CORES' is not a positive whole number."
  to_mib "$EXEC_MEM" > /dev/null; to_mib "$DRIVER_MEM" > /dev/null; to_mib "$OFFHEAP" > /dev/null
  if $GPU && [[ "$GPU_STAGES" != *" $JOB "* ]]; then
    die "Job '$JOB' does not run the networks, so --gpu would only waste a GPU; GPU stages are:$GPU_STAGES"
  fi
  [ -n "$NAME" ] || NAME="s2f-$JOB"
}

# The spark-submit --master value already in SUBMIT[] (both wrappers put it there first).
submit_master() {
  local i
  for (( i = 0; i + 1 < ${#SUBMIT[@]}; i++ )); do
    if [ "${SUBMIT[i]}" = --master ]; then printf '%s' "${SUBMIT[i + 1]}"; return; fi
  done
}

# The JVM options of one side (driver or executor): the Java 17 --add-opens list, the heap that keeps what it grew
# to, the ND4J native build, and JavaCPP's limits. maxbytes caps ND4J's off-heap arrays; maxphysicalbytes caps
# heap + off-heap, past which JavaCPP collects and then fails with an OutOfMemoryError naming the limit, instead of
# the container manager killing the JVM: so it is that JVM's own heap plus off-heap, below its container limit
# (heap + overhead).
# $1: heap MiB, $2: off-heap MiB, $3: JavaCPP platform extension.
java_options() {
  printf '%s' "$JAVA17_OPENS $JVM_HEAP -Djavacpp.platform=linux-x86_64 -Dorg.bytedeco.javacpp.platform.extension=$3"
  printf ' %s' "-Dorg.bytedeco.javacpp.maxbytes=${2}m" "-Dorg.bytedeco.javacpp.maxphysicalbytes=$(( $1 + $2 ))m"
}

# Fills SPARK_CONF[] (KEY=VALUE) and DRIVER_ENV[] (NAME=VALUE) with the settings every submission of the project
# carries, through a wrapper or an operator manifest (deploy/k8s/render.sh) alike. Sizes stay out: each submission
# path has its own fields for them. $1: the GPU discovery script as executors see it. Needs EVENT_LOG_DIR set.
shared_settings() {
  local discovery="$1" exec_ext driver_ext="-onednn" heap_mib driver_mib off_mib
  JAVA17_OPENS="$(pom_property s2f.jvm.opens)" || exit 2
  JVM_HEAP="$(pom_property s2f.jvm.heap)" || exit 2
  # The CUDA jar also carries ND4J's CPU build (-onednn); the driver of a GPU stage runs that one (see below).
  if $GPU; then exec_ext="-cudnn"; else exec_ext="-onednn"; fi
  heap_mib="$(to_mib "$EXEC_MEM")"; driver_mib="$(to_mib "$DRIVER_MEM")"; off_mib="$(to_mib "$OFFHEAP")"
  SPARK_CONF=(spark.serializer=org.apache.spark.serializer.KryoSerializer
    spark.kryo.registrator=org.nd4j.kryo.Nd4jRegistrator
    # default*, not extra*: a user's own spark.*.extraJavaOptions is added to these instead of replacing the
    # --add-opens list and the ND4J limits.
    "spark.driver.defaultJavaOptions=$(java_options "$driver_mib" "$off_mib" "$driver_ext")"
    "spark.executor.defaultJavaOptions=$(java_options "$heap_mib" "$off_mib" "$exec_ext")"
    # libgomp busy-waits by default; with a task per core that makes ND4J many times slower.
    spark.executorEnv.OMP_WAIT_POLICY=PASSIVE
    # glibc would keep the buffers oneDNN frees in its arenas (about 1 GB of a paper-size decoder step; see bin/s2f)
    spark.executorEnv.MALLOC_ARENA_MAX=2 spark.executorEnv.MALLOC_MMAP_THRESHOLD_=1048576
    # and would fault those mapped buffers in 4 KiB pages, slow in a VM (half of a VGGFace forward pass; see bin/s2f)
    spark.executorEnv.GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
  DRIVER_ENV=(OMP_WAIT_POLICY=PASSIVE MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
  if [ "$EVENT_LOG_DIR" != none ]; then
    # Every run, finished or failed, can be opened in the Spark History Server (docs/deploy-kubernetes.md).
    SPARK_CONF+=(spark.eventLog.enabled=true "spark.eventLog.dir=$EVENT_LOG_DIR" spark.eventLog.compress=true)
  fi
  # Spark's metrics in Prometheus' text format from the driver's UI port: /metrics/prometheus/ (driver, with the
  # training loss and samples/s of train-* stages under s2f_training_*) and /metrics/executors/prometheus.
  SPARK_CONF+=(spark.metrics.namespace=s2f
    "spark.metrics.conf.*.sink.prometheusServlet.class=org.apache.spark.metrics.sink.PrometheusServlet"
    "spark.metrics.conf.*.sink.prometheusServlet.path=/metrics/prometheus"
    spark.metrics.appStatusSource.enabled=true
    spark.ui.prometheus.enabled=true)
  if $GPU; then
    SPARK_CONF+=(spark.executor.resource.gpu.amount=1 spark.task.resource.gpu.amount=1
      "spark.executor.resource.gpu.discoveryScript=$discovery")
    # One task per executor holds the GPU; cores asked beyond one belong to that task rather than idling.
    [ "$EXEC_CORES" -eq 1 ] || SPARK_CONF+=("spark.task.cpus=$EXEC_CORES")
    # The driver gets no GPU: it loads models, averages parameters and evaluates on ND4J's CPU backend, which the
    # CUDA jar carries too. ND4J picks the available backend of highest priority (CUDA 100, CPU 0 by default);
    # this makes it the CPU one even where the driver could see a GPU, and void keeps NVIDIA's container runtime
    # from mounting the node's GPUs into the driver.
    DRIVER_ENV+=(BACKEND_PRIORITY_CPU=200 NVIDIA_VISIBLE_DEVICES=void)
  fi
}

# Fills SUBMIT[] with the settings both cluster managers share. $1: the jar as the cluster sees it,
# $2: the GPU discovery script path as executors see it. SUBMIT[] must already hold --master.
common_submit_args() {
  local jar="$1" discovery="$2" master off_mib driver_env="" kv
  master="$(submit_master)"
  case "$master" in
    k8s://*) driver_env="spark.kubernetes.driverEnv." ;;
    yarn*) driver_env="spark.yarn.appMasterEnv." ;;
  esac
  if [ -z "$EVENT_LOG_DIR" ]; then
    case "$master" in
      k8s://*) EVENT_LOG_DIR="s3a://s2f-data/spark-events" ;;
      *) EVENT_LOG_DIR="hdfs:///spark-events" ;;
    esac
  fi
  shared_settings "$discovery"
  off_mib="$(to_mib "$OFFHEAP")"
  SUBMIT+=(--deploy-mode cluster --name "$NAME" --class org.speech2face.cli.S2f
    --num-executors "$EXECUTORS" --executor-memory "$EXEC_MEM" --executor-cores "$EXEC_CORES"
    --driver-memory "$DRIVER_MEM"
    --conf spark.executor.instances="$EXECUTORS"
    # ND4J's off-heap arrays plus 1 GiB for netty, the natives (FFmpeg, OpenCV, oneDNN) and thread stacks.
    --conf spark.executor.memoryOverhead="$(( off_mib + 1024 ))m"
    --conf spark.driver.memoryOverhead="$(( off_mib + 1024 ))m")
  for kv in "${SPARK_CONF[@]}"; do SUBMIT+=(--conf "$kv"); done
  if [ -n "$driver_env" ]; then
    for kv in "${DRIVER_ENV[@]}"; do SUBMIT+=(--conf "$driver_env$kv"); done
  fi
  for kv in "${EXTRA_CONF[@]}"; do SUBMIT+=(--conf "$kv"); done
  : "$jar"
}

default_jar() {
  if $GPU; then echo "$S2F_HOME/spark-jobs/target/speech2face-spark-jobs-$S2F_VERSION-cuda.jar"
  else echo "$S2F_HOME/spark-jobs/target/speech2face-spark-jobs-$S2F_VERSION-cpu.jar"; fi
}

# The command that serves the event logs of $EVENT_LOG_DIR in the Spark History Server (http://localhost:18080).
history_server_command() {
  printf 'SPARK_HISTORY_OPTS=%s "${SPARK_HOME:?}"/sbin/start-history-server.sh' \
    "$(quote "-Dspark.history.fs.logDirectory=$EVENT_LOG_DIR")"
}

# Prints (dry run) or runs SUBMIT[].
run_submit() {
  if [ "$EVENT_LOG_DIR" != none ]; then
    echo "$(basename "$0"): event logs go to $EVENT_LOG_DIR; to look at the run, finished or failed:" \
      "$(history_server_command)" >&2
  fi
  if $DRY_RUN; then
    local first=true a
    for a in "${SUBMIT[@]}"; do $first || printf ' '; first=false; quote "$a"; done
    printf '\n'
    exit 0
  fi
  exec "${SUBMIT[@]}"
}
