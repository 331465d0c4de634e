// Compiles node-shim/contracts/*.sol with solc-js and renders one artifact per deployable contract
// ({contractName, sourceName, compiler, abi, bytecode}, 2-space JSON + newline).
//   node compile.js            prints {"Name": "<artifact text>", ...} on stdout
//   node compile.js --write    also (re)writes node-shim/artifacts/<Name>.json
// Settings are fixed here so that recompiling reproduces the committed artifacts byte for byte.
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..', '..');
const contractsDir = path.join(root, 'contracts');
const artifactsDir = path.join(root, 'artifacts');
const deployable = ['BlockVerifier', 'DeciderVerifier', 'Inbox', 'KzgVerifier', 'RewardToken', 'RandaoStore', 'SequencerRegistry', 'Rollup'];

const sources = {};
for (const file of fs.readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(contractsDir, file), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    viaIR: true,
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length > 0) {
  process.stderr.write(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const artifacts = {};
for (const [sourceName, contracts] of Object.entries(output.contracts)) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!deployable.includes(name)) continue;
    const artifact = {
      contractName: name,
      sourceName,
      compiler: `solc-js ${solc.version()}`,
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
    };
    artifacts[name] = `${JSON.stringify(artifact, null, 2)}\n`;
  }
}
if (process.argv.includes('--write')) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  for (const [name, text] of Object.entries(artifacts)) {
    fs.writeFileSync(path.join(artifactsDir, `${name}.json`), text);
  }
}
process.stdout.write(JSON.stringify(artifacts));
