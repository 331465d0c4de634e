#!/usr/bin/env bash
# Installs what the tests need, then runs the whole test suite in release mode (the
# cryptographic tests are slow in debug). Idempotent: installed pieces are skipped.
#
#   bash scripts/test.sh              # everything
#   bash scripts/test.sh -- groth16   # extra arguments go to `cargo test` (here: a name filter)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# System packages (Debian/Ubuntu): Mesa's CPU Vulkan driver runs the wgpu kernels' tests;
# PostgreSQL, promtool (in `prometheus`) and Chromium serve the proving service's tests.
apt_packages=(mesa-vulkan-drivers libvulkan1 postgresql prometheus chromium)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})) && command -v apt-get >/dev/null; then
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null && sudo_cmd="sudo"
  echo "test.sh: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || echo "test.sh: could not install ${missing[*]}; tests that need them report why" >&2
fi

# npm packages (solc-js, anvil) for the node shim's contract and L1 tests.
if [[ -f scripts/node-deps.sh ]] && command -v npm >/dev/null; then
  bash scripts/node-deps.sh
fi

# No two source files of a crate depend on each other (docs/architecture.md).
python3 scripts/module-cycles.py

# Scratch space, and a throwaway PostgreSQL server on 127.0.0.1 for the proving service: the
# Rust tests find it in SIDECAR_TEST_POSTGRES, the end-to-end script below gets a database of
# its own there. Both are removed at exit. initdb and pg_ctl refuse root: run as `postgres`.
blockdir="$(mktemp -d)"
pgdir=""
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "cd / && $(printf '%q ' "$@")"; else "$@"; fi
}
cleanup() {
  if [[ -n "$pgdir" && -f "$pgdir/data/postmaster.pid" ]]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$blockdir" ${pgdir:+"$pgdir"}
}
trap cleanup EXIT
if [[ -z "$pg_bin" || ! -x "$pg_bin/pg_ctl" ]]; then
  echo "test.sh: PostgreSQL server not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi
pgdir="$(mktemp -d)"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$pgdir"; fi
pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_postgres "$pg_bin/initdb" -D "$pgdir/data" -A trust -U postgres >"$pgdir/initdb.log" \
  || { cat "$pgdir/initdb.log" >&2; exit 1; }
as_postgres "$pg_bin/pg_ctl" -D "$pgdir/data" -o "-k $pgdir -p $pg_port -c listen_addresses=127.0.0.1" \
  -l "$pgdir/pg.log" -w start >/dev/null || { cat "$pgdir/pg.log" >&2; exit 1; }
export SIDECAR_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres"

profile=(--profile ci)
cargo test "${profile[@]}" --workspace "$@"

# The README's first command on the tiny preset, then an independent check of its bundle.
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- prove-block --txs 4 --preset tiny \
  --out "$blockdir/block" --keys "$blockdir/keys" --quiet
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- verify-block "$blockdir/block"
# The same block size folded into one accumulator, then checked by the native decider.
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- prove-block --txs 4 --preset tiny \
  --proof-system folding --out "$blockdir/folded" --quiet
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- verify-block "$blockdir/folded"
# The capacity planner on the tiny preset: every circuit measured here (both proof systems),
# then each tier planned; its JSON report and SVG plot are checked.
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- capacity --profile minimum --preset tiny \
  --keys "$blockdir/keys" --json "$blockdir/capacity.json" --plot "$blockdir/capacity.svg" --quiet
python3 scripts/check-capacity.py "$blockdir/capacity.json" "$blockdir/capacity.svg"
# The block lifecycle from the CLI with the same keys: four slots on the embedded devchain (one
# missed proving deadline: slashed, recovered by the backup phase; one tampered proof: reverts,
# then the honest one lands; one proposer withholding its data: the proposer is slashed, the
# prover's bond returned), each block consuming the L1->L2 messages sent during the slot before,
# and one proven block submitted to an anvil started on 127.0.0.1.
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- node --sequencers 3 --provers 2 --slots 4 \
  --txs 2 --preset tiny --fault 1:missed-deadline --fault 2:invalid-proof --fault 3:withheld-data \
  --keys "$blockdir/keys" --bundles "$blockdir/node"
cargo run "${profile[@]}" -q -p sidecar-prover-cli -- prove-block --txs 2 --preset tiny --submit \
  --l1 anvil --keys "$blockdir/keys" --bundles "$blockdir/submitted" --quiet
# The proving service end to end (serve, agents, prove-block --broker; agents and the broker
# SIGKILLed mid-block; bad requests; promtool on /metrics; the dashboard in headless Chromium),
# once on SQLite and once on a fresh database of the PostgreSQL server above.
python3 scripts/service-e2e.py --sidecar target/ci/sidecar --db "sqlite://$blockdir/e2e-sqlite/broker.db" \
  --workdir "$blockdir/e2e-sqlite" --keys "$blockdir/keys"
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres e2e
python3 scripts/service-e2e.py --sidecar target/ci/sidecar \
  --db "postgres://postgres@127.0.0.1:$pg_port/e2e" --workdir "$blockdir/e2e-postgres" --keys "$blockdir/keys"

# GPU backends, which the workspace build leaves out (features), built together in one cargo
# run. wgpu runs on Mesa's CPU Vulkan driver (lavapipe) installed above and must find it; CUDA
# is compiled with nvcc from the pinned PyPI wheels and its tests fall back with a printed reason
# where no driver is present.
bash scripts/cuda-wheels.sh
SIDECAR_REQUIRE_WGPU=1 cargo test "${profile[@]}" -p sidecar-kernels -p sidecar-pcd \
  --features sidecar-kernels/wgpu,sidecar-kernels/cuda,sidecar-pcd/wgpu \
  --test wgpu_conformance --test wgpu_select --test cuda_conformance --test gpu_backend
# The kernels' own unit tests with both backends compiled in (routing, fallbacks, shader
# constants): the same features, so only this one test binary is built.
cargo test "${profile[@]}" -p sidecar-kernels --features wgpu,cuda --lib
