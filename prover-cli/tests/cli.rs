//! The `sidecar` binary as a script sees it: the README's quick start runs twice in a row, every
//! exit code (0 success, 1 internal, 2 usage, 3 rejected, 4 bad input, 130 interrupted), bad
//! flags refused before any work
//! (nothing created on disk), JSON outputs, environment fallbacks, keys exported for
//! `verify-block --trusted-keys`, and `--version` naming the commit.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt;
use tempfile::TempDir;

/// The binary, run in `dir`, with no `SIDECAR_*` variable inherited.
fn sidecar_std(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::cargo_bin("sidecar").expect("the sidecar binary is built");
    c.current_dir(dir);
    for (var, _) in std::env::vars() {
        if var.starts_with("SIDECAR_") {
            c.env_remove(var);
        }
    }
    c
}

fn sidecar(dir: &Path) -> Command {
    Command::from_std(sidecar_std(dir))
}

/// Files and folders under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is one JSON document")
}

/// A folder where the README's first command has run twice (its keys and bundle under `out/`).
fn quick_start() -> &'static TempDir {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for run in 1..=2 {
            let out = sidecar(dir.path())
                .args(["prove-block", "--txs", "4", "--preset", "tiny"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "run {run} of the quick start: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        dir
    })
}

#[test]
fn quick_start_runs_twice_and_its_bundle_verifies() {
    let dir = quick_start().path();
    assert!(dir.join("out/block/manifest.json").is_file());
    assert!(!dir.join("out/block.partial").exists());
    let out = sidecar(dir)
        .args(["verify-block", "out/block", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out.stdout);
    assert_eq!(v["valid"], true);
    assert!(v["proofs"].as_u64().unwrap() >= 7);
}

/// A small kernel comparison and a small Groth16 comparison (both sides' proofs verified) each
/// print their table, the load average around it and the field arithmetic they used.
#[test]
fn bench_commands_print_the_load_average_with_their_tables() {
    let tmp = tempfile::tempdir().unwrap();
    for (command, ops) in [
        ("kernels", &["msm_g1", "ntt"][..]),
        ("groth16", &["groth16", "2^6"][..]),
    ] {
        let out = sidecar(tmp.path())
            .args([
                "bench",
                command,
                "--threads",
                "1",
                "--sizes",
                "6",
                "--reps",
                "1",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(ops.iter().all(|op| text.contains(op)), "{text}");
        assert!(text.contains("load average (1 min): "), "{text}");
        assert!(text.contains("CPU field arithmetic: "), "{text}");
    }
}

#[test]
fn usage_errors_exit_2_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for args in [
        &["prove-block", "--txs", "2", "--preset", "bogus"][..],
        &["prove-block", "--txs", "0", "--preset", "tiny"],
        &["prove-block", "--txs", "2", "--backend", "quantum"],
        &[
            "prove-block",
            "--txs",
            "2",
            "--submit",
            "--prover-id",
            "0x02",
        ],
        &["node", "--fault", "1:bogus"],
        &["node", "--proof-system", "folding"],
        &["node", "--srs", "srs.bin"],
        &["node", "--l1", "ftp://example"],
        &[
            "prove-block",
            "--txs",
            "2",
            "--submit",
            "--l1",
            "ftp://example",
        ],
        &["bench", "kernels", "--threads", "0"],
        &["bench", "groth16", "--threads", "0"],
        &["capacity", "--slot-seconds", "0"],
        &["capacity", "--txs", "16,0"],
        &["no-such-command"],
    ] {
        sidecar(dir).args(args).assert().code(2);
    }
    sidecar(dir)
        .env("SIDECAR_PRESET", "bogus")
        .args(["prove-block", "--txs", "2"])
        .assert()
        .code(2);
    assert!(listing(dir).is_empty(), "created {:?}", listing(dir));
}

#[test]
fn bad_input_exits_4_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let tiny = ["prove-block", "--txs", "2", "--preset", "tiny"];
    sidecar(dir)
        .args(tiny)
        .args(["--profile", "no-such-profile.toml"])
        .assert()
        .code(4);
    sidecar(dir)
        .args([
            "capacity",
            "--preset",
            "tiny",
            "--profile",
            "no-such-profile.toml",
        ])
        .assert()
        .code(4);
    sidecar(dir)
        .args(tiny)
        .args(["--prover-id", "0xnot-hex"])
        .assert()
        .code(4);
    sidecar(dir)
        .args(["verify-block", "no-such-bundle"])
        .assert()
        .code(4);
    sidecar(dir)
        .args(["bench", "groth16", "--sizes", "14,30"])
        .assert()
        .code(4);
    sidecar(dir)
        .args([
            "keys",
            "export",
            "--keys",
            "no-such-cache",
            "--out",
            "exported",
        ])
        .assert()
        .code(4);
    assert!(listing(dir).is_empty(), "created {:?}", listing(dir));

    // An output folder holding something else is refused untouched, and no key cache appears.
    std::fs::create_dir_all(dir.join("out/block")).unwrap();
    std::fs::write(dir.join("out/block/notes.txt"), "mine").unwrap();
    let out = sidecar(dir).args(tiny).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a bundle"));
    assert_eq!(
        listing(dir),
        [
            PathBuf::from("out"),
            PathBuf::from("out/block"),
            PathBuf::from("out/block/notes.txt")
        ]
    );

    std::fs::write(dir.join("block.json"), "{ not a block").unwrap();
    sidecar(dir)
        .args(["prove-block", "--block", "block.json", "--out", "elsewhere"])
        .assert()
        .code(4);
}

#[test]
fn a_rejected_bundle_exits_3() {
    let src = quick_start().path().join("out/block");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("bundle");
    std::fs::create_dir_all(copy.join("proofs")).unwrap();
    std::fs::create_dir_all(copy.join("keys")).unwrap();
    for f in listing(&src) {
        if src.join(&f).is_file() {
            std::fs::copy(src.join(&f), copy.join(&f)).unwrap();
        }
    }
    let root = listing(&copy.join("proofs"))
        .into_iter()
        .rfind(|p| p.to_string_lossy().ends_with("root-rollup.proof"))
        .unwrap();
    let path = copy.join("proofs").join(root);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[40] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let out = sidecar(tmp.path())
        .args(["verify-block", "bundle", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out.stdout);
    assert_eq!(v["valid"], false);
    assert!(v["error"].as_str().unwrap().contains("root-rollup"), "{v}");
}

#[test]
fn exported_keys_pin_a_bundle() {
    let dir = quick_start().path();
    let out = sidecar(dir)
        .args([
            "keys", "export", "--keys", "out/keys", "--preset", "tiny", "--out", "trusted",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["files"].as_array().unwrap().len(), 5);
    sidecar(dir)
        .args(["verify-block", "out/block", "--trusted-keys", "trusted"])
        .assert()
        .code(0);
    sidecar(dir)
        .env("SIDECAR_PRESET", "devnet")
        .args(["keys", "export", "--keys", "out/keys", "--out", "none"])
        .assert()
        .code(4);
}

#[test]
fn node_help_lists_every_fault() {
    let out = sidecar(Path::new("."))
        .args(["node", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).replace(char::is_whitespace, "");
    for fault in sidecar_node_shim::Fault::ALL {
        assert!(
            help.contains(fault.name()),
            "{fault} missing from node --help"
        );
    }
}

#[test]
fn version_names_the_commit() {
    let out = sidecar(Path::new(".")).arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(commit "), "{text}");
}

#[test]
fn node_proves_a_one_tx_block_and_reports_json() {
    let dir = quick_start().path();
    let out = sidecar(dir)
        .args([
            "node",
            "--preset",
            "tiny",
            "--txs",
            "1",
            "--slots",
            "1",
            "--sequencers",
            "1",
            "--provers",
            "1",
            "--keys",
            "out/keys",
            "--bundles",
            "out/node",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out.stdout);
    assert_eq!(v["slots"][0]["outcome"], "Proven");
    assert_eq!(v["stages"][0]["stage"], 7);
}

#[test]
fn an_unreachable_l1_is_an_internal_error_exit_1_before_any_key_work() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sidecar(tmp.path())
        .args([
            "prove-block",
            "--txs",
            "1",
            "--preset",
            "tiny",
            "--submit",
            "--l1",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: --l1 http://127.0.0.1:9"),
        "{stderr}"
    );
    assert!(
        listing(tmp.path()).is_empty(),
        "created {:?}",
        listing(tmp.path())
    );
}

#[test]
fn an_interrupt_exits_130_and_keeps_completed_proofs_aside() {
    let dir = quick_start().path();
    let mut child = sidecar_std(dir)
        .args([
            "prove-block",
            "--txs",
            "4",
            "--preset",
            "tiny",
            "--out",
            "out/interrupted",
            "-q",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The partial folder appears once the Ctrl-C handler is installed and proving is under way.
    let partial = dir.join("out/interrupted.partial");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !partial.exists() {
        assert!(std::time::Instant::now() < deadline, "no partial folder");
        assert!(child.try_wait().unwrap().is_none(), "exited before proving");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(partial.join("proofs").is_dir());
    assert!(
        !dir.join("out/interrupted").exists(),
        "no bundle is installed"
    );
}

#[test]
fn a_folded_block_verifies_and_a_tampered_one_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let setup = sidecar(dir.path())
        .args(["setup", "--dev", "--out", "srs.bin", "--json"])
        .output()
        .unwrap();
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let digest = json(&setup.stdout)["digest"].as_str().unwrap().to_string();
    let out = sidecar(dir.path())
        .args([
            "prove-block",
            "--txs",
            "2",
            "--preset",
            "tiny",
            "--proof-system",
            "folding",
            "--srs",
            "srs.bin",
        ])
        .args(["--out", "folded", "--json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = &json(&out.stdout)["summary"];
    assert_eq!(summary["proof_system"], "folding");
    assert_eq!(
        summary["nodes"].as_u64(),
        Some(tree_nodes(dir.path(), "folded"))
    );

    let ok = sidecar(dir.path())
        .args(["verify-block", "folded", "--json", "--srs", "srs.bin"])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(json(&ok.stdout)["valid"], true);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("folded/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["srs"], digest.as_str());
    let without = sidecar(dir.path())
        .args(["verify-block", "folded"])
        .output()
        .unwrap();
    assert!(!without.status.success());
    assert!(String::from_utf8_lossy(&without.stderr).contains("--srs"));
    sidecar(dir.path())
        .args(["setup", "--dev", "--powers", "300000", "--out", "other.bin"])
        .assert()
        .success();
    sidecar(dir.path())
        .args(["verify-block", "folded", "--srs", "other.bin"])
        .assert()
        .code(3);
    sidecar(dir.path())
        .args(["verify-block", "folded", "--l1-out", "l1.json"])
        .assert()
        .code(2);

    let manifest = dir.path().join("folded/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let fees = m["outputs"]["total_fees"].as_str().unwrap().to_string();
    let forged = text.replace(&fees, "0x07");
    assert_ne!(forged, text);
    std::fs::write(&manifest, &forged).unwrap();
    sidecar(dir.path())
        .args(["verify-block", "folded", "--srs", "srs.bin"])
        .assert()
        .code(3);
    std::fs::write(&manifest, &text).unwrap();

    let root = dir.path().join("folded/root.fold");
    let mut bytes = std::fs::read(&root).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x01;
    std::fs::write(&root, &bytes).unwrap();
    let code = sidecar(dir.path())
        .args(["verify-block", "folded", "--srs", "srs.bin"])
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(
        code,
        Some(3),
        "a flipped witness byte is rejected by the decider"
    );

    let out = sidecar(dir.path())
        .args([
            "prove-block",
            "--txs",
            "2",
            "--proof-system",
            "folding",
            "--submit",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "folding on L1 without an SRS");
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --srs FILE"));
}

/// Nodes of the tree a folded bundle's manifest describes.
fn tree_nodes(dir: &Path, bundle: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(bundle).join("manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let calls: Vec<u64> = m["calls_per_tx"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    2 * calls.iter().sum::<u64>() + 2 * calls.len() as u64 - 1
}

#[test]
fn setup_refuses_a_bad_ceremony_file_and_misplaced_srs_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.ptau"), b"ptau but not really").unwrap();
    let out = sidecar(dir.path())
        .args(["setup", "--ptau", "bad.ptau", "--out", "srs.bin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "a bad file is bad input");
    assert!(String::from_utf8_lossy(&out.stderr).contains("SRS refused"));
    assert!(!dir.path().join("srs.bin").exists(), "nothing written");
    sidecar(dir.path())
        .args(["setup", "--dev", "--powers", "1"])
        .assert()
        .code(4);
    sidecar(dir.path()).args(["setup"]).assert().code(2);
    sidecar(dir.path())
        .args(["setup", "--decider"])
        .assert()
        .code(2);
    sidecar(dir.path())
        .args(["setup", "--decider", "--dev", "--srs", "srs.bin"])
        .assert()
        .code(2);
    sidecar(dir.path())
        .args(["prove-block", "--txs", "2", "--srs", "srs.bin"])
        .assert()
        .code(2);
}
