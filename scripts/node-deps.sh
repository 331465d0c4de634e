#!/usr/bin/env bash
# Installs the npm packages the node shim needs into node-shim/node_modules (git-ignored):
#   solc@0.8.37            solc-js, compiles node-shim/contracts offline
#   @foundry-rs/anvil@1.7.1 the anvil binary the JSON-RPC L1 tests start on 127.0.0.1
# Idempotent: re-running with everything installed does nothing.
set -euo pipefail
cd "$(dirname "$0")/../node-shim"
want_solc="0.8.37"
want_anvil="1.7.1"
have() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true; }
if [[ "$(have solc)" == "$want_solc" && "$(have @foundry-rs/anvil)" == "$want_anvil" ]] \
  && [[ -x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil ]]; then
  echo "node-deps: solc $want_solc and anvil $want_anvil already installed"
  exit 0
fi
npm install --no-save --no-package-lock --no-audit --no-fund \
  "solc@$want_solc" "@foundry-rs/anvil@$want_anvil"
chmod +x node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil 2>/dev/null || true
echo "node-deps: installed solc $(have solc), anvil $(have @foundry-rs/anvil)"
