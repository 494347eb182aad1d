#!/usr/bin/env bash
# Writes the Spark operator manifests of deploy/k8s: one SparkApplication per stage, the hourly
# ScheduledSparkApplication of preprocess and the weekly one of optimize, with the Spark settings of
# deploy/submit-common.sh (the ones deploy/submit-k8s.sh passes), so a manifest and a wrapper submission of a stage
# ask for the same thing.
#   deploy/k8s/render.sh [--image-prefix REGISTRY/NAME:VERSION] [--bucket BUCKET] [--out DIR]
# Defaults: registry.example.org/speech2face:0.1.0 (then -cpu or -cuda), s2f-data, deploy/k8s. The committed files
# are its output with the defaults (OperatorManifestsTest checks that); render your own with your registry and
# bucket, or edit image, deps.files and spark.eventLog.dir in them.
set -euo pipefail
# shellcheck source=deploy/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../submit-common.sh"

PREFIX="registry.example.org/speech2face:0.1.0"; BUCKET="s2f-data"; OUT="$S2F_HOME/deploy/k8s"
while [ $# -gt 0 ]; do
  case "$1" in
    --image-prefix) PREFIX="${2:?--image-prefix needs a value}"; shift 2 ;;
    --bucket) BUCKET="${2:?--bucket needs a name}"; shift 2 ;;
    --out) OUT="${2:?--out needs a folder}"; shift 2 ;;
    *) die "Unknown option '$1'; options: --image-prefix, --bucket, --out." ;;
  esac
done
mkdir -p "$OUT"

# A YAML double-quoted scalar.
yq() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }

# Prints the SparkApplication spec of one run at indentation $1: stage $2 (the s2f command), executors $3,
# executor cores $4; GPU says whether executors get one GPU each.
spec() {
  local in="$1" stage="$2" executors="$3" cores="$4" flavour=cpu kv key env
  EXEC_MEM=8g; DRIVER_MEM=4g; OFFHEAP=4g; EXEC_CORES="$cores"; EVENT_LOG_DIR="s3a://$BUCKET/spark-events"
  shared_settings /opt/s2f/deploy/gpu-discovery.sh
  if $GPU; then flavour=cuda; SPARK_CONF+=(spark.executor.resource.gpu.vendor=nvidia.com); fi
  local overhead="$(( $(to_mib "$OFFHEAP") + 1024 ))m"
  sed "s/^/$in/" <<EOF
type: Java
mode: cluster
image: $PREFIX-$flavour
imagePullPolicy: IfNotPresent
mainClass: org.speech2face.cli.S2f
mainApplicationFile: local:///opt/s2f/s2f.jar
arguments: ["$stage", "--conf", "cluster.conf"]
sparkVersion: "3.5.3"
deps:
  # The driver downloads it into its working directory; s2f reads it by base name.
  files: ["s3a://$BUCKET/conf/cluster.conf"]
restartPolicy:
  type: OnFailure
  onFailureRetries: 2
  onFailureRetryInterval: 120
  onSubmissionFailureRetries: 3
  onSubmissionFailureRetryInterval: 60
sparkConf:
EOF
  for kv in "${SPARK_CONF[@]}"; do
    key="${kv%%=*}"
    printf '%s  %s: %s\n' "$in" "$key" "$(yq "${kv#*=}")"
  done
  sed "s/^/$in/" <<EOF
driver:
  cores: 1
  memory: "$DRIVER_MEM"
  # ND4J's off-heap arrays (javacpp maxbytes) plus 1 GiB for the natives and netty.
  memoryOverhead: "$overhead"
  serviceAccount: spark
  env:
EOF
  for env in "${DRIVER_ENV[@]}"; do
    printf '%s    - {name: %s, value: %s}\n' "$in" "${env%%=*}" "$(yq "${env#*=}")"
  done
  sed "s/^/$in/" <<EOF
  # S3 credentials, when the pods have no IAM role: kubectl -n s2f create secret generic s2f-s3 \\
  #   --from-literal=AWS_ACCESS_KEY_ID=... --from-literal=AWS_SECRET_ACCESS_KEY=...
  envFrom:
    - secretRef: {name: s2f-s3, optional: true}
  labels: {app: speech2face, stage: $stage}
  # Prometheus' Kubernetes service discovery scrapes the driver's metrics servlet by these.
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: "4040"
    prometheus.io/path: /metrics/prometheus/
executor:
  instances: $executors
  cores: $cores
  memory: "$EXEC_MEM"
  memoryOverhead: "$overhead"
  envFrom:
    - secretRef: {name: s2f-s3, optional: true}
  labels: {app: speech2face, stage: $stage}
EOF
  if $GPU; then printf '%s  gpu: {name: nvidia.com/gpu, quantity: 1}\n' "$in"; fi
}

# Writes $OUT/<stage>.yaml: stage $1, gpu|cpu $2, executors $3, executor cores $4, then the header comment lines.
application() {
  local stage="$1" kind="$2" executors="$3" cores="$4" line
  shift 4
  GPU=false; [ "$kind" = cpu ] || GPU=true
  {
    for line in "$@"; do echo "# $line"; done
    echo "# Rendered by deploy/k8s/render.sh; edit image, deps.files and spark.eventLog.dir, or render your own."
    cat <<EOF
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata:
  name: s2f-$stage
  namespace: s2f
  labels: {app: speech2face, stage: $stage, template: "false"}
spec:
EOF
    spec "  " "$stage" "$executors" "$cores"
  } > "$OUT/$stage.yaml"
}

application ingest-faces cpu 8 4 \
  "s2f ingest-faces: decodes CSV segments, detects and crops faces (FFmpeg + OpenCV, CPU)."
application ingest-audio cpu 8 4 \
  "s2f ingest-audio: decodes segment audio and writes STFT spectrograms (FFmpeg + JTransforms, CPU)."
application face-features gpu 2 1 "s2f face-features: VGGFace fc7 features of the face crops."
application train-gender gpu 2 1 "s2f train-gender: trains the gender classifier on speech."
application predict-gender gpu 2 1 "s2f predict-gender: predicts the gender of each clip from its speech."
application face-prior cpu 2 4 \
  "s2f face-prior: the neutral, male and female face priors (mean VGGFace fc7 of n train faces) and Table 1."
application train-decoder gpu 2 1 "s2f train-decoder: trains the face decoder FD."
application train-encoder gpu 2 1 \
  "s2f train-encoder: trains the speech encoder SE with CBAM; the variant comes from encoder.prior / encoder.fusion" \
  "(add e.g. \"--set\", \"encoder.prior=gender\" to arguments, one SparkApplication per variant)."
application evaluate gpu 2 1 "s2f evaluate: Tables 4-6 metrics on the test split."

# Writes $OUT/<name>.yaml, a ScheduledSparkApplication: name $1, stage $2 (the s2f command), schedule $3, executors
# $4, executor cores $5 (CPU), then the header comment lines.
scheduled() {
  local name="$1" stage="$2" schedule="$3" executors="$4" cores="$5" line
  shift 5
  GPU=false
  {
    for line in "$@"; do echo "# $line"; done
    echo "# Rendered by deploy/k8s/render.sh; edit image, deps.files and spark.eventLog.dir, or render your own."
    cat <<EOF
apiVersion: sparkoperator.k8s.io/v1beta2
kind: ScheduledSparkApplication
metadata:
  name: s2f-$name
  namespace: s2f
  labels: {app: speech2face, stage: $stage, template: "false"}
spec:
  schedule: "$schedule"
  concurrencyPolicy: Forbid
  successfulRunHistoryLimit: 3
  failedRunHistoryLimit: 5
  template:
EOF
    spec "    " "$stage" "$executors" "$cores"
  } > "$OUT/$name.yaml"
}

scheduled ingest-scheduled preprocess "@every 1h" 8 4 \
  "Runs \`s2f preprocess\` (ingest-faces, then ingest-audio, on one session) every hour over the CSV drop folder" \
  "(input.csv in cluster.conf may be a directory or a glob, e.g. s3a://$BUCKET/avspeech/csv/*.csv). A run skips" \
  "clip_ids already written or rejected, so each run only processes the rows of newly dropped CSVs." \
  "Forbid: one run per data root at a time (two would each treat the other's staging as abandoned)."
scheduled optimize-scheduled optimize "30 4 * * 0" 2 4 \
  "Runs \`s2f optimize\` every Sunday at 04:30 (the operator's local time): compacts the small files the hourly" \
  "preprocess appends to every Delta table under data.root, purges deletion vectors, then VACUUMs the files unused" \
  "for datasets.vacuum-retention-hours (168 by default). It may overlap a preprocess run: compaction changes no data," \
  "so Delta commits an append on top of it; a real conflict fails one side, and OnFailure retries it." \
  "Forbid: one upkeep at a time."
