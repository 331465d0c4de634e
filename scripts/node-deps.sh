#!/usr/bin/env bash
# Installs the npm packages the node shim needs into node-shim/node_modules (git-ignored):
#   solc@0.8.37            solc-js, compiles node-shim/contracts offline
#   @foundry-rs/anvil@1.7.1 the anvil binary the JSON-RPC L1 tests start on 127.0.0.1
#   snarkjs@0.7.6           powers-of-tau ceremonies whose .ptau files the SRS tests read
# Idempotent: re-running with everything installed does nothing.
set -euo pipefail
cd "$(dirname "$0")/../node-shim"
want_solc="0.8.37"
want_anvil="1.7.1"
want_snarkjs="0.7.6"
have() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true; }
if [[ "$(have solc)" == "$want_solc" && "$(have @foundry-rs/anvil)" == "$want_anvil" \
  && "$(have snarkjs)" == "$want_snarkjs" ]] \
  && [[ -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ]]; then
  echo "node-deps: solc $want_solc, anvil $want_anvil and snarkjs $want_snarkjs already installed"
  exit 0
fi
npm install --no-save --no-package-lock --no-audit --no-fund \
  "solc@$want_solc" "@foundry-rs/anvil@$want_anvil" "snarkjs@$want_snarkjs"
chmod +x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil 2>/dev/null || true
echo "node-deps: installed solc $(have solc), anvil $(have @foundry-rs/anvil), snarkjs $(have snarkjs)"
