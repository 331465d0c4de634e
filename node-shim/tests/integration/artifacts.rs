//! The committed artifacts are exactly what solc-js produces from the committed sources.

use sidecar_node_shim::contracts::{ARTIFACTS, solc};

#[test]
fn recompiling_reproduces_committed_artifacts_byte_for_byte() {
    if !solc::solc_available() {
        eprintln!(
            "SKIPPED: solc-js not installed (run scripts/node-deps.sh); artifacts not re-checked"
        );
        return;
    }
    let fresh = solc::compile().expect("contracts compile");
    let names: Vec<&str> = fresh.keys().map(String::as_str).collect();
    assert_eq!(names, ARTIFACTS, "set of deployable contracts changed");
    for name in ARTIFACTS {
        let committed = solc::committed_artifact(name).expect("artifact committed");
        assert!(
            fresh[name] == committed,
            "{name}.json differs from a fresh compile; run node src/contracts/compile.js --write"
        );
    }
}
