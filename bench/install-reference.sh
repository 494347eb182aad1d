#!/usr/bin/env bash
# Installs what `s2f bench models` needs for its PyTorch reference, as .ci/run installs the build's needs: Debian's
# python3-torch, and OpenBLAS (libopenblas0-pthread), which update-alternatives then makes libblas.so.3. Without it
# PyTorch's BLAS is the reference one, about 4 GFLOP/s, and the benchmark refuses to print ratios.
set -euo pipefail

need=()
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-reference: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
echo "install-reference: libblas.so.3 is $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo missing)"
/usr/bin/python3 "$(dirname "$0")/pytorch_models.py" describe
