#!/usr/bin/env bash
# Runs one s2f job on Kubernetes in cluster deploy mode; driver and executors run the s2f executor image
# (deploy/docker/Dockerfile), which holds the shaded jar at /opt/s2f/s2f.jar.
#   deploy/submit-k8s.sh [options] <job> [s2f args...]
# e.g. deploy/submit-k8s.sh --image registry.example.org/s2f:0.1.0-cpu --conf s3a://bucket/s2f/cluster.conf ingest-faces
#      deploy/submit-k8s.sh --image registry.example.org/s2f:0.1.0-cuda --gpu --conf s3a://bucket/s2f/cluster.conf train-encoder
# Needs spark-submit on the PATH (or SPARK_HOME) and a kubeconfig allowed to create pods in the namespace.
set -euo pipefail
# shellcheck source=deploy/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

usage() {
  echo "usage: $(basename "$0") --image IMAGE [options] <job> [s2f args...]"
  usage_common
  cat <<'USAGE'
  --image IMAGE            the s2f executor image (required)
  --namespace NS           Kubernetes namespace (default s2f)
  --service-account SA     driver service account, allowed to create executor pods (default spark)
  --master URL             API server (default k8s://https://kubernetes.default.svc)
  --upload-path URI        hdfs:/s3a: folder spark-submit uploads a local --conf file to
                           (spark.kubernetes.file.upload.path); not needed for a remote --conf
  --s3-secret NAME         a Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for s3a:, given to the driver
                           and executors as environment (default: none; the pods' IAM role or node credentials)
USAGE
}

IMAGE=""; NAMESPACE=s2f; SERVICE_ACCOUNT=spark; MASTER="k8s://https://kubernetes.default.svc"; UPLOAD_PATH=""
S3_SECRET=""
parse_specific() {
  case "$1" in
    --image) IMAGE="${2:?--image needs an image}"; SHIFT_BY=2; return 0 ;;
    --namespace) NAMESPACE="${2:?--namespace needs a name}"; SHIFT_BY=2; return 0 ;;
    --service-account) SERVICE_ACCOUNT="${2:?--service-account needs a name}"; SHIFT_BY=2; return 0 ;;
    --master) MASTER="${2:?--master needs a URL}"; SHIFT_BY=2; return 0 ;;
    --upload-path) UPLOAD_PATH="${2:?--upload-path needs a URI}"; SHIFT_BY=2; return 0 ;;
    --s3-secret) S3_SECRET="${2:?--s3-secret needs a Secret name}"; SHIFT_BY=2; return 0 ;;
  esac
  return 1
}

parse_args "$@"
[ -n "$IMAGE" ] || die "No --image given; build deploy/docker/Dockerfile and push it where the cluster can pull it."
# The jar is inside the image; local:// tells Spark not to upload it.
[ -n "$JAR" ] || JAR="local:///opt/s2f/s2f.jar"

SUBMIT=("${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit" --master "$MASTER")
# The image ships the discovery script; executors run it from there.
common_submit_args "$JAR" "/opt/s2f/deploy/gpu-discovery.sh"
SUBMIT+=(--conf spark.kubernetes.namespace="$NAMESPACE"
  --conf spark.kubernetes.container.image="$IMAGE"
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="$SERVICE_ACCOUNT"
  # Prometheus' Kubernetes service discovery scrapes the driver's metrics servlet (submit-common.sh) by these.
  --conf spark.kubernetes.driver.annotation.prometheus.io/scrape=true
  --conf spark.kubernetes.driver.annotation.prometheus.io/port=4040
  --conf spark.kubernetes.driver.annotation.prometheus.io/path=/metrics/prometheus/)
if [ -n "$S3_SECRET" ]; then
  # S3A's default credential chain reads these variables (EnvironmentVariableCredentialsProvider).
  for side in driver executor; do
    for key in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; do
      SUBMIT+=(--conf "spark.kubernetes.$side.secretKeyRef.$key=$S3_SECRET:$key")
    done
  done
fi
if $GPU; then
  # Spark asks Kubernetes for nvidia.com/gpu per executor pod.
  SUBMIT+=(--conf spark.executor.resource.gpu.vendor=nvidia.com)
fi
if [ -n "$CONF" ]; then
  if [[ "$CONF" != *:* ]]; then
    [ -f "$CONF" ] || die "The config file $CONF does not exist."
    [ -n "$UPLOAD_PATH" ] || die "A local --conf ($CONF) must be uploaded for the driver pod; give --upload-path (an hdfs: or s3a: folder) or put the config on hdfs:/s3a: yourself."
    SUBMIT+=(--conf spark.kubernetes.file.upload.path="$UPLOAD_PATH")
  fi
  # The driver pod downloads --files into its working directory, where s2f reads the base name.
  SUBMIT+=(--files "$CONF")
fi
SUBMIT+=("$JAR" "$JOB")
[ -z "$CONF" ] || SUBMIT+=(--conf "$(basename "$CONF")")
SUBMIT+=("${S2F_ARGS[@]}")
run_submit
