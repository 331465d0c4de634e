//! A marketplace's single job through the HTTP API: a witness uploaded and submitted, proven
//! by an agent, its proof downloaded and checked; and the soundness side: a proof that does
//! not verify for the job's public inputs is refused by the broker (422), the job goes back to
//! its queue, and an honest agent then completes it.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use ark_bn254::Fr;
use sidecar_circuits::state::WorldState;
use sidecar_circuits::{CircuitKind, Preset, PresetName};
use sidecar_engine::block::{BlockFile, build_tree};
use sidecar_engine::{Engine, Profile};
use sidecar_groth16::{Proof, VerifyingKey};
use sidecar_kernels::AnyBackend;
use sidecar_prover_service::agent::{AgentConfig, run};
use sidecar_prover_service::broker::{JobView, Lease, LeaseRequest};
use sidecar_prover_service::client::Client;
use sidecar_prover_service::groth16::Params;
use sidecar_prover_service::{Error, Service, ServiceConfig, api};

const CLIENT: &str = "client-token-1";
const AGENT: &str = "agent-token-1";

/// A merge rollup's witness from a random tiny block.
fn merge_witness() -> Vec<u8> {
    let preset = Preset::get(PresetName::Tiny);
    let seed = rand::random::<u64>();
    let block = BlockFile::generate(&preset, &WorldState::genesis(&preset), 4, seed).unwrap();
    let tree = build_tree(&mut WorldState::genesis(&preset), &block, Fr::from(7u64)).unwrap();
    let (nodes, circuits) = tree.into_parts();
    let at = nodes
        .iter()
        .position(|n| n.kind == CircuitKind::MergeRollup)
        .unwrap();
    circuits[at].to_bytes()
}

fn wait_done(client: &Client, id: &str) -> JobView {
    for _ in 0..600 {
        let j: JobView = client.get(&format!("/v1/jobs/{id}")).unwrap();
        if j.state == "done" || j.state == "failed" {
            return j;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("job {id} did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_job_proven_and_forged_proof_refused() {
    let dir = tempfile::tempdir().unwrap();
    let profile = Profile::load("minimum").unwrap();
    let mut config = ServiceConfig::new(
        &format!("sqlite://{}", dir.path().join("b.db").display()),
        &dir.path().join("artifacts"),
        &dir.path().join("keys"),
        CLIENT,
        AGENT,
    );
    config.lease_ms = 5_000;
    let svc = Service::open(config, &profile).await.unwrap();
    svc.spawn_background();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, api::router(svc)).await });

    let work = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let client = Client::new(&url, CLIENT);
        let witness = merge_witness();
        let hash = client.upload(&witness).unwrap();
        let job: JobView = client
            .post("/v1/jobs", &serde_json::json!({ "witness": hash }))
            .unwrap()
            .unwrap();
        assert_eq!(job.state, "queued");
        let params: Params = serde_json::from_value(job.params.clone()).unwrap();

        // A forger leases the job and uploads a proof of something else.
        let forger = Client::new(&url, AGENT);
        let lease: Lease = forger
            .post(
                "/v1/agent/lease",
                &LeaseRequest {
                    agent: "forger".into(),
                    name: "forger".into(),
                    kinds: vec!["merge".into()],
                },
            )
            .unwrap()
            .unwrap();
        assert_eq!(lease.job, job.id);
        let bogus = Proof::from_bytes(&forged_proof_bytes()).unwrap();
        let out = forger.upload(&bogus.to_bytes()).unwrap();
        let refused = forger.post::<_, serde_json::Value>(
            "/v1/agent/complete",
            &serde_json::json!({ "job": lease.job, "lease": lease.lease, "output": out }),
        );
        assert!(
            matches!(
                &refused,
                Err(Error::Http {
                    status: Some(422),
                    ..
                })
            ),
            "{refused:?}"
        );
        let after: JobView = client.get(&format!("/v1/jobs/{}", job.id)).unwrap();
        assert_eq!(after.state, "queued", "the job goes back to its queue");

        // An honest agent proves it.
        let engine = Arc::new(Engine::new(&profile, AnyBackend::Cpu(Default::default())).unwrap());
        let done = run(
            engine,
            AgentConfig {
                broker: url.clone(),
                token: AGENT.into(),
                kinds: vec!["merge".into()],
                work_dir: work.join("agent"),
                name: "honest".into(),
                poll: Duration::from_millis(50),
                max_jobs: Some(1),
            },
            Arc::new(AtomicBool::new(false)),
        )
        .unwrap();
        assert_eq!(done, 1);
        let job = wait_done(&client, &job.id);
        assert_eq!((job.state.as_str(), job.attempts), ("done", 2));
        let proof = work.join("proof");
        client
            .download(job.output.as_ref().unwrap(), &proof)
            .unwrap();
        let vk_file = work.join("vk");
        client.download(&params.vk, &vk_file).unwrap();
        let vk = VerifyingKey::from_bytes(&std::fs::read(&vk_file).unwrap()).unwrap();
        let proof = Proof::from_bytes(&std::fs::read(&proof).unwrap()).unwrap();
        assert!(sidecar_groth16::verify(&vk, &params.public_inputs, &proof).unwrap());
        let mut wrong = params.public_inputs.clone();
        wrong[0] += Fr::from(1u64);
        assert!(!sidecar_groth16::verify(&vk, &wrong, &proof).unwrap());

        // A garbage witness is refused at submission.
        let junk = client.upload(&rand::random::<[u8; 32]>()).unwrap();
        let bad = client.post::<_, JobView>("/v1/jobs", &serde_json::json!({ "witness": junk }));
        assert!(
            matches!(
                &bad,
                Err(Error::Http {
                    status: Some(400),
                    ..
                })
            ),
            "{bad:?}"
        );
    })
    .await
    .unwrap();
}

/// A well-formed proof of random points: canonical bytes that decode but prove nothing.
fn forged_proof_bytes() -> Vec<u8> {
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_std::UniformRand;
    let mut rng = rand::thread_rng();
    let a = (ark_bn254::G1Affine::generator() * Fr::rand(&mut rng)).into_affine();
    let b = (ark_bn254::G2Affine::generator() * Fr::rand(&mut rng)).into_affine();
    let c = (ark_bn254::G1Affine::generator() * Fr::rand(&mut rng)).into_affine();
    Proof(ark_groth16::Proof { a, b, c }).to_bytes()
}
