//! Single-proof Solidity verifiers rendered from an ark-groth16 verifying key with `taceo-groth16-sol`
//! (gnark's template: reverts on failure, `verifyProof(uint256[8] proof, uint256[N] input)`), and compiled with
//! solc-js. The block verifier is `BatchVerifier.sol` with keys stored as code; this renders the per-circuit form for
//! tools and for gas comparisons.

use crate::contracts::solc::{crate_dir, solc_available};
use crate::error::{NodeError, Result};
use ark_bn254::Bn254;
use ark_groth16::VerifyingKey;
use std::io::Write;
use std::process::{Command, Stdio};
use taceo_groth16_sol::askama::Template;
use taceo_groth16_sol::{SolidityVerifierConfig, SolidityVerifierContext};

/// Solidity source of a verifier contract named `Verifier` for `vk`.
pub fn render_single_verifier(vk: &VerifyingKey<Bn254>) -> Result<String> {
    let config = SolidityVerifierConfig {
        pragma_version: "^0.8.0".into(),
    };
    SolidityVerifierContext {
        vk: vk.clone(),
        config,
    }
    .render()
    .map_err(|e| NodeError::Compile(format!("verifier template: {e}")))
}

const COMPILE_ONE: &str = r#"
const solc = require('solc');
let src = '';
process.stdin.on('data', (c) => { src += c; });
process.stdin.on('end', () => {
  const input = { language: 'Solidity', sources: { 'Verifier.sol': { content: src } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['evm.bytecode.object'] } } } };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errs = (out.errors || []).filter((e) => e.severity === 'error');
  if (errs.length) { process.stderr.write(errs.map((e) => e.formattedMessage).join('\n')); process.exit(1); }
  process.stdout.write(out.contracts['Verifier.sol'].Verifier.evm.bytecode.object);
});
"#;

/// Creation bytecode of the rendered verifier (solc-js, same settings as the protocol contracts minus viaIR).
pub fn compile_single_verifier(source: &str) -> Result<Vec<u8>> {
    if !solc_available() {
        return Err(NodeError::SolcUnavailable(
            "node-shim/node_modules/solc missing; run scripts/node-deps.sh".into(),
        ));
    }
    let mut child = Command::new("node")
        .args(["-e", COMPILE_ONE])
        .current_dir(crate_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| NodeError::SolcUnavailable(format!("cannot run node: {e}")))?;
    child
        .stdin
        .take()
        .ok_or_else(|| NodeError::Compile("no stdin".into()))?
        .write_all(source.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(NodeError::Compile(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    hex::decode(String::from_utf8_lossy(&out.stdout).trim())
        .map_err(|e| NodeError::Compile(format!("bytecode is not hex: {e}")))
}
