mod common;

use std::time::Instant;

use sidecar_pcd::{decide, prove_node};

#[test]
fn leaf_and_node_decide() {
    let t = Instant::now();
    let k = common::keys();
    eprintln!(
        "setup {:?} node {:?} cf {:?}",
        t.elapsed(),
        k.node_config(),
        k.cyclefold_config()
    );
    let t = Instant::now();
    let (a, b) = common::two_leaves();
    eprintln!("two leaves {:?}", t.elapsed());
    decide(k, a).expect("leaf accepted");
    let t = Instant::now();
    let n = prove_node(k, a, b, common::rng(3)).expect("node");
    eprintln!("node {:?}", t.elapsed());
    decide(k, &n).expect("node accepted");
    let t = Instant::now();
    let n2 = prove_node(k, &n, &n, common::rng(4)).expect("node");
    eprintln!("node2 {:?}", t.elapsed());
    decide(k, &n2).expect("node2 accepted");
}
