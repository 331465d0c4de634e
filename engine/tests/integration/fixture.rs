//! The committed bundle fixture (`tests/fixtures/tiny-block`, written by
//! `examples/write_fixture.rs`) still reads and verifies with the current code, and is the bundle
//! of its block file: the bundle format, the tree rule and the circuits' public inputs cannot
//! drift silently. After a deliberate change, regenerate it with that example and commit it.

use std::path::PathBuf;

use sidecar_circuits::Preset;
use sidecar_circuits::state::WorldState;
use sidecar_engine::block::{BUNDLE_FORMAT, BlockFile, build_tree, read_bundle, verify_block};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-block")
}

#[test]
fn committed_bundle_still_reads_and_verifies() {
    let dir = fixture();
    let manifest = std::fs::read_to_string(dir.join("bundle/manifest.json")).unwrap();
    assert!(
        manifest.contains(&format!("\"format\": {BUNDLE_FORMAT}")),
        "the fixture is of this bundle format"
    );
    let bundle = read_bundle(&dir.join("bundle"), None).expect("the fixture reads");
    let report = verify_block(&bundle).expect("the fixture verifies");
    assert_eq!(report.proofs, bundle.nodes.len());
    assert!(
        bundle.calls_per_tx().iter().any(|&c| c > 0),
        "the fixture has public calls"
    );

    // It is the bundle of its block file: simulating that block from genesis today gives the same
    // tree, the same public inputs at every node and the same header.
    let text = std::fs::read_to_string(dir.join("block.json")).unwrap();
    let block = BlockFile::from_json(&text).unwrap();
    let mut state = WorldState::genesis(&Preset::tiny());
    let tree = build_tree(&mut state, &block, bundle.outputs().prover_id).unwrap();
    assert_eq!(tree.nodes(), &bundle.nodes[..]);
    for (i, (c, p)) in tree.circuits().iter().zip(&bundle.proofs).enumerate() {
        assert_eq!(
            c.public_inputs(),
            p.public_inputs,
            "node {i} ({})",
            c.kind()
        );
    }
    assert_eq!(tree.root().header, bundle.header);
}
