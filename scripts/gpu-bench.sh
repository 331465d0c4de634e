#!/usr/bin/env bash
# Checks and times a PREBUILT `sidecar` binary on a GPU host that has the NVIDIA driver but no
# Rust toolchain and no network, and writes the results to OUT_DIR.
#
# Build the binary on any x86-64 Linux box (see docs/gpu.md):
#   scripts/cuda-wheels.sh && cargo build --release -p sidecar-prover-cli --features cuda,wgpu
#   cargo test --release -p sidecar-kernels --features cuda --no-run   # optional test binaries
# copy target/release/sidecar (and optionally the cuda_conformance-* test binary) to the host, then:
#   scripts/gpu-bench.sh -b ./sidecar [-t ./cuda_conformance-XXXX] [-B BACKEND] OUT_DIR [LOG2_SIZES]
#
# Three phases, in the order the GPU issue asks for; a phase that fails stops the later ones,
# so nothing is timed on a backend that gave a wrong result:
#   1. correctness: the test binaries (SIDECAR_REQUIRE_CUDA=1: a missing device fails), a
#      Groth16 proof made on BACKEND (all runs use the `gpu` hardware profile) and checked by ark-groth16 (`sidecar prove`), and a tiny
#      block proven on BACKEND and checked from its files (`prove-block`, `verify-block`);
#   2. kernels: MSM and NTT at LOG2_SIZES (default 16,18,20,22,24) on BACKEND and on wgpu, each
#      against the CPU backend and arkworks in the same run, every result checked;
#   3. proofs: a Groth16 proof of 2^PROOF_LOG constraints (default 22, about the `aztec` base
#      rollup's 3.2M) and a BLOCK_PRESET block of BLOCK_TXS txs (default devnet, 64), each on
#      BACKEND and then on the CPU backend, same host, same keys.
# PHASES (default "correctness kernels proofs") picks phases, e.g. to split the run over two
# calls where one would exceed the host's time limit; a run without `correctness` times a
# backend it has not checked, so give it one only after a run that passed it.
# Every step runs under `timeout STEP_LIMIT` (seconds, default 240); keys are made on first use
# in WORK_DIR (default /tmp/sidecar-gpu, outside OUT_DIR: they are far larger than results).
# Outputs: host.txt; steps.tsv (step, exit status, wall seconds); one .log per step;
# kernels-<backend>.json (records with ours_ms, cpu_ms, peer_ms) and prove-*.json.
set -uo pipefail

bin="./sidecar"
backend="cuda"
tests=()
while getopts "b:t:B:" opt; do
  case "$opt" in
    b) bin="$OPTARG" ;;
    t) tests+=("$OPTARG") ;;
    B) backend="$OPTARG" ;;
    *) echo "usage: $0 [-b SIDECAR_BIN] [-t TEST_BIN]... [-B BACKEND] OUT_DIR [LOG2_SIZES]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
out="${1:?usage: $0 [-b SIDECAR_BIN] [-t TEST_BIN]... [-B BACKEND] OUT_DIR [LOG2_SIZES]}"
sizes="${2:-16,18,20,22,24}"
proof_log="${PROOF_LOG:-22}"
block_preset="${BLOCK_PRESET:-devnet}"
block_txs="${BLOCK_TXS:-64}"
limit="${STEP_LIMIT:-240}"
work="${WORK_DIR:-/tmp/sidecar-gpu}"
phases=" ${PHASES:-correctness kernels proofs} "
[[ -x "$bin" ]] || { echo "gpu-bench: $bin is not an executable sidecar binary" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
mkdir -p "$out" "$work"
printf 'step\tstatus\tseconds\n' > "$out/steps.tsv"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(nproc) cores"
  echo "binary: $("$bin" --version 2>&1)"
  echo "backend: $backend; phases:$phases; sizes: $sizes; proof: 2^$proof_log; block: $block_preset, $block_txs txs"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  else
    echo "nvidia-smi: not found"
  fi
} > "$out/host.txt" 2>&1
cat "$out/host.txt"

# step NAME CMD...: runs CMD under the time limit, stdout to NAME.out, stderr to NAME.log, and
# records its status and wall time; returns its status.
step() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "== $name: $*"
  timeout "$limit" "$@" > "$out/$name.out" 2> "$out/$name.log"
  local rc=$?
  printf '%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - t0))" >> "$out/steps.tsv"
  [[ $rc -eq 0 ]] || { echo "$name failed ($rc); see $out/$name.log:" >&2; tail -n 5 "$out/$name.log" >&2; }
  return $rc
}

# phase NAME: whether PHASES includes NAME.
phase() { [[ "$phases" == *" $1 "* ]]; }

ok=0
keys="$work/keys"
if phase correctness; then
  i=0
  for t in "${tests[@]}"; do
    i=$((i + 1))
    SIDECAR_REQUIRE_CUDA=1 step "tests-$i" "$t" --test-threads 1 || ok=1
  done
  step "prove-small-$backend" "$bin" prove --profile gpu --backend "$backend" --log-constraints 16 \
    --keys "$keys" --json || ok=1
  rm -rf "$work/tiny"
  step "block-tiny-$backend" "$bin" prove-block --profile gpu --backend "$backend" --preset tiny --txs 4 \
    --keys "$keys" --out "$work/tiny" --json || ok=1
  step "verify-tiny" "$bin" verify-block "$work/tiny" --json || ok=1
  if [[ $ok -ne 0 ]]; then
    echo "correctness failed: nothing is timed" >&2
    exit 1
  fi
fi

# The backend under test, then the peer it is compared with (each once).
and_peer() { local all=("$backend"); [[ "$1" == "$backend" ]] || all+=("$1"); echo "${all[@]}"; }

if phase kernels; then
  for b in $(and_peer wgpu); do
    step "kernels-$b" "$bin" bench kernels --profile gpu --backend "$b" --sizes "$sizes" --reps 3 --json || ok=1
    [[ -s "$out/kernels-$b.out" ]] && cp "$out/kernels-$b.out" "$out/kernels-$b.json"
  done
fi

if phase proofs; then
  for b in $(and_peer cpu); do
    step "prove-$proof_log-$b" "$bin" prove --profile gpu --backend "$b" --log-constraints "$proof_log" \
      --keys "$keys" --json || ok=1
    [[ -s "$out/prove-$proof_log-$b.out" ]] && cp "$out/prove-$proof_log-$b.out" "$out/prove-$proof_log-$b.json"
  done
  for b in $(and_peer cpu); do
    rm -rf "$work/block-$b"
    step "block-$block_preset-$b" "$bin" prove-block --profile gpu --backend "$b" --preset "$block_preset" \
      --txs "$block_txs" --keys "$keys" --out "$work/block-$b" --json || ok=1
  done
  step "verify-$block_preset-$backend" "$bin" verify-block "$work/block-$backend" --json || ok=1
fi
cat "$out/steps.tsv"
exit "$ok"
