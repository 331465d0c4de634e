//! Capacity planning: what this box, and each hardware tier, proves in a slot.
//!
//! ```text
//!  Measurement::take ─ a 4-tx block proven at 1 thread and at all cores, Groth16 and folded
//!        │             (stored next to the keys, reused for the same build, preset, backend)
//!        ▼
//!  Planner ─ per proof: Amdahl fit of the two runs → seconds at any width
//!          ─ per block: the job graph of the generator's block played out with the
//!            scheduler's rules on a modelled fleet (model::simulate)
//!        ▼
//!  CapacityReport: circuits vs the profile's per-proof limits; per tier the largest block in
//!  a slot, txs/s, boxes for a 1,024-tx block, transfer and disk; this box's predictions
//! ```

mod measure;
mod model;
mod plan;

pub use measure::{CircuitFigures, FoldingFigures, MeasureRequest, Measurement, load_average};
pub use model::{Costs, Fleet, Scaling, Schedule, simulate};
pub use plan::{
    BlockTime, CapacityReport, CircuitPlan, FLEET_BLOCK_TXS, MAX_PLANNED_TXS, Planner, ProofSystem,
    TierPlan, curve_sizes,
};
