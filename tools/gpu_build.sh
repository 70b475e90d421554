#!/usr/bin/env bash
# Builds hw-train on the GPU machine (LibTorch from its Python PyTorch, no apt there) into
# build-gpu/, once per machine: with the trainer's CUDA kernels when nvcc compiles them, else
# without (the log says why). Sourced or run by tools/gpu_train.sh and bench/gpu_bench.sh.
set -euo pipefail
if [ ! -x build-gpu/bin/hw-train ]; then
  [ -f .deps/root/usr/include/CLI/CLI.hpp ] && [ -f .deps/root/usr/include/cereal/cereal.hpp ] ||
    { echo "gpu_build: .deps/root lacks the CLI11 or cereal headers: run bash tools/fetch_deps.sh on a Debian machine and carry .deps/"; exit 1; }
  TP=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
  configure() {
    cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DHW_TESTS=OFF -DCMAKE_PREFIX_PATH="$TP;$PWD/.deps/root/usr" "$@" \
      >build-gpu.log 2>&1 && ninja -C build-gpu hw-train >>build-gpu.log 2>&1
  }
  if ! configure -DHW_CUDA_KERNELS=ON; then
    echo "gpu_build: the build with CUDA kernels failed; building without them:"; grep -E "error" build-gpu.log | head -20
    rm -rf build-gpu
    configure -DHW_CUDA_KERNELS=OFF || { tail -30 build-gpu.log; exit 1; }
  fi
  grep -E "CUDA kernels for the trainer" build-gpu.log || true
  echo "built hw-train"
fi
