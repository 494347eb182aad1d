#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor}.resource.gpu.discoveryScript).
# Prints the GPUs this container can see as Spark's ResourceInformation JSON, e.g.
#   {"name":"gpu","addresses":["0","1"]}
# Spark then hands each task the addresses it was granted (TaskContext.resources()).
# Exits non-zero with a sentence when nvidia-smi is missing or fails, so the executor fails loudly instead of
# silently training on the CPU.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi is not on the PATH of $(hostname); is this an NVIDIA GPU node with the driver installed?" >&2
  exit 1
fi
if ! indices="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "gpu-discovery.sh: nvidia-smi failed on $(hostname): $indices" >&2
  exit 1
fi
addresses=""
while read -r i; do
  i="${i//[[:space:]]/}"
  [ -z "$i" ] && continue
  addresses="${addresses:+$addresses,}\"$i\""
done <<< "$indices"
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
