#!/usr/bin/env bash
# Installs a CUDA 13.0 compiler toolchain (nvcc, cudart static, crt headers, NVVM, CCCL) from the
# PyPI wheels into a local folder, so `cargo build --features cuda` works on any x86-64 Linux box
# without a system CUDA install. Prints the NVCC path to export.
#
# Usage: scripts/cuda-wheels.sh [DEST]      (DEST defaults to .cuda/ at the repository root)
# Then:  export SIDECAR_NVCC="$DEST/bin/nvcc"   (build.rs also finds $DEST on its own)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/.cuda}"
version="13.0.*"
packages=(nvidia-cuda-nvcc nvidia-cuda-runtime nvidia-cuda-crt nvidia-nvvm nvidia-cuda-cccl)

python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade \
  --target "$dest/site" "${packages[@]/%/==$version}"

# The wheels spread the toolkit over nvidia/cu13/{bin,include,lib,nvvm}; give nvcc one CUDA-style
# root so its default include and library search paths resolve.
tk="$(dirname "$(dirname "$(find "$dest/site" -path '*/bin/nvcc' -type f | head -n1)")")"
if [[ ! -x "$tk/bin/nvcc" ]]; then
  echo "cuda-wheels: nvcc not found in the installed wheels under $dest/site" >&2
  exit 1
fi
ln -sfn "$tk/bin" "$dest/bin"
ln -sfn "$tk/include" "$dest/include"
ln -sfn "$tk/lib" "$dest/lib"
[[ -d "$tk/nvvm" ]] && ln -sfn "$tk/nvvm" "$dest/nvvm"
"$dest/bin/nvcc" --version | tail -n 2
echo "export SIDECAR_NVCC=$dest/bin/nvcc"
