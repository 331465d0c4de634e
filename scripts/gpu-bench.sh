#!/usr/bin/env bash
# Runs the kernel benchmarks of a PREBUILT `sidecar` binary on a GPU host that has the NVIDIA
# driver but no Rust toolchain and no network, and writes JSON results to OUT_DIR.
#
# Build the binary on any x86-64 Linux box (see docs/gpu.md):
#   scripts/cuda-wheels.sh && cargo build --release -p sidecar-prover-cli --features cuda,wgpu
#   cargo test --release -p sidecar-kernels --features cuda --no-run   # optional test binaries
# copy target/release/sidecar (and optionally the cuda_conformance-* test binary) to the host, then:
#   scripts/gpu-bench.sh -b ./sidecar [-t ./cuda_conformance-XXXX] OUT_DIR [LOG2_SIZES]
#
# LOG2_SIZES: comma-separated log2 sizes for MSM and NTT (default 16,18,20,22,24).
# Every size is checked against arkworks inside the benchmark (a mismatch fails the run).
# Outputs: host.txt, kernels-<backend>.json (records with ours_ms, cpu_ms, peer_ms),
# kernels-<backend>.txt (table), kernels-<backend>.log, and tests.log when -t is given.
set -uo pipefail

bin="./sidecar"
tests=()
while getopts "b:t:" opt; do
  case "$opt" in
    b) bin="$OPTARG" ;;
    t) tests+=("$OPTARG") ;;
    *) echo "usage: $0 [-b SIDECAR_BIN] [-t TEST_BIN]... OUT_DIR [LOG2_SIZES]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
out="${1:?usage: $0 [-b SIDECAR_BIN] [-t TEST_BIN]... OUT_DIR [LOG2_SIZES]}"
sizes="${2:-16,18,20,22,24}"
[[ -x "$bin" ]] || { echo "gpu-bench: $bin is not an executable sidecar binary" >&2; exit 2; }
mkdir -p "$out"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cores"
  echo "binary: $("$bin" --version 2>&1)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  else
    echo "nvidia-smi: not found"
  fi
} > "$out/host.txt" 2>&1
cat "$out/host.txt"

status=0
for t in "${tests[@]}"; do
  echo "== $t" | tee -a "$out/tests.log"
  SIDECAR_REQUIRE_CUDA=1 "$t" --test-threads 1 >> "$out/tests.log" 2>&1 || status=1
  tail -n 3 "$out/tests.log"
done

for backend in cuda wgpu; do
  echo "== bench kernels --backend $backend --sizes $sizes"
  if "$bin" bench kernels --backend "$backend" --sizes "$sizes" --reps 3 --json \
      > "$out/kernels-$backend.json" 2> "$out/kernels-$backend.log"; then
    cat "$out/kernels-$backend.json"
  else
    echo "bench on $backend failed; see $out/kernels-$backend.log:" >&2
    tail -n 5 "$out/kernels-$backend.log" >&2
    status=1
  fi
done
exit "$status"
