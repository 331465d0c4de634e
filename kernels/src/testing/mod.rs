//! Conformance suite every backend must pass, generic over the backend.
//!
//! Each check compares a backend against an independent reference on seeded random inputs
//! (arkworks' `VariableBaseMSM` for MSMs, ark-poly's `Radix2EvaluationDomain` for NTTs) and
//! panics with the failing case on a mismatch, so a backend's test is one line:
//!
//! ```ignore
//! sidecar_kernels::testing::check_msm::<_, ark_bn254::g1::Config>(&backend, &msm_sizes());
//! ```

mod msm;
mod ntt;

pub use msm::{
    check_msm, check_msm_errors, check_msm_size, msm_sizes, random_bases, random_scalars,
};
pub use ntt::{check_ntt, check_ntt_errors, check_ntt_size, ntt_logs};
