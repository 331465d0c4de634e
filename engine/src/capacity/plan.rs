//! The planner: a [`Measurement`] of this box turned into what an operator asks — does each
//! circuit meet the profile's per-proof limits, how big a block does each tier prove in a
//! slot, how many boxes a 1,024-tx block needs, how long the disk lasts — every figure saying
//! whether it was measured here or projected, and from what.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sidecar_circuits::state::WorldState;
use sidecar_circuits::tree::{TreeNode, tree_for_calls};
use sidecar_circuits::{CircuitKind, Preset};

use super::measure::Measurement;
use super::model::{Costs, Fleet, Scaling, simulate};
use crate::block::BlockFile;
use crate::{BudgetCheck, Family, Machine, Profile, Result};

const GIB: u64 = 1 << 30;

/// Txs in the block the fleet question is asked about.
pub const FLEET_BLOCK_TXS: usize = 1024;

/// Largest block the slot search tries.
pub const MAX_PLANNED_TXS: usize = 8192;

/// Most boxes the fleet search tries.
const MAX_BOXES: usize = 4096;

/// Bytes a stored tree leaf costs on disk, interior nodes of its sparse tree amortised in.
const STATE_BYTES_PER_LEAF: u64 = 64;

/// Bytes per witness variable sent to a remote prover.
const WITNESS_BYTES_PER_CONSTRAINT: u64 = 32;

/// How a block's tree is proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProofSystem {
    /// One Groth16 proof per node.
    Groth16,
    /// The tree folded into one accumulator, then the decider.
    Folding,
}

impl ProofSystem {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            ProofSystem::Groth16 => "groth16",
            ProofSystem::Folding => "folding",
        }
    }
}

/// One circuit against the asked profile's per-proof limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CircuitPlan {
    /// Circuit (a kind, or `folding-node`).
    pub circuit: String,
    /// Proof system.
    pub proof_system: ProofSystem,
    /// Seconds per proof at the profile's width, with the peak and proof size, checked.
    pub check: BudgetCheck,
    /// `measured` or `projected: ...`.
    pub basis: String,
}

/// The modelled time of one block.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockTime {
    /// Txs.
    pub txs: usize,
    /// Simulation (witness generation), seconds.
    pub simulate_s: f64,
    /// Keys loaded (Groth16) or derived (folding), seconds.
    pub keys_s: f64,
    /// The proof graph's run, seconds.
    pub prove_s: f64,
    /// The folded root's decider check, seconds (0 for Groth16).
    pub decide_s: f64,
    /// Longest dependent chain of proofs, seconds.
    pub critical_path_s: f64,
    /// Everything, seconds.
    pub total_s: f64,
}

/// One tier's answers for one proof system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierPlan {
    /// Tier (profile) name.
    pub tier: String,
    /// Proof system.
    pub proof_system: ProofSystem,
    /// Cores and RAM of one box of the tier.
    pub cores: usize,
    /// RAM in GiB.
    pub ram_gb: u64,
    /// Threads per proof.
    pub width: usize,
    /// `measured` or `projected: ...`.
    pub basis: String,
    /// Largest block one box proves within the slot (0: not even one tx).
    pub max_txs_in_slot: usize,
    /// Whether the search stopped at [`MAX_PLANNED_TXS`] (the box does more).
    pub max_txs_capped: bool,
    /// `max_txs_in_slot` over the slot: txs per second sustained with one block per slot.
    pub txs_per_s: f64,
    /// A [`FLEET_BLOCK_TXS`]-tx block on one box.
    pub block_1024: BlockTime,
    /// The per-proof thread cap (at most each family's budget) under which that block is
    /// fastest on one box: narrower proofs side by side waste less to serial parts, wider
    /// ones shorten the kernel chains.
    pub best_width: usize,
    /// That block's time under `best_width`, seconds.
    pub best_width_s: f64,
    /// Boxes that prove a [`FLEET_BLOCK_TXS`]-tx block within the slot (none: the critical
    /// path alone is longer than the slot).
    pub boxes_for_1024: Option<usize>,
    /// Bytes moved between boxes for that block (witnesses out, proofs back).
    pub transfer_bytes_1024: u64,
    /// Disk filled per year at one `max_txs_in_slot` block per slot (state and bundles).
    pub disk_bytes_per_year: f64,
    /// Years until the tier's disk is full at that rate.
    pub disk_years: f64,
    /// Block time against txs on one box, for the plot.
    pub curve: Vec<BlockTime>,
}

/// The planner's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapacityReport {
    /// The profile asked about.
    pub profile: String,
    /// Slot length, seconds.
    pub slot_s: f64,
    /// The figures everything is derived from.
    pub measurement: Measurement,
    /// Every circuit against the asked profile's limits.
    pub circuits: Vec<CircuitPlan>,
    /// Every tier.
    pub tiers: Vec<TierPlan>,
    /// This box under the asked profile, for the asked block sizes.
    pub this_box: Vec<(ProofSystem, BlockTime)>,
    /// The model's assumptions, in words.
    pub assumptions: Vec<String>,
}

/// Shape of a generated block of some size: public calls per tx (padding included) and the
/// tree leaves its txs add.
#[derive(Clone, Debug)]
struct Shape {
    nodes: Vec<TreeNode>,
    leaves: u64,
}

/// Measured costs of one proof system, with transfers where the block spans boxes.
struct MeasuredCosts<'a> {
    m: &'a Measurement,
    system: ProofSystem,
    scaling: BTreeMap<CircuitKind, Scaling>,
    /// Bytes per second between boxes; `None` on one box.
    link: Option<f64>,
}

impl MeasuredCosts<'_> {
    /// Bytes a proof of `kind` moves when it runs on another box: its witness there, and its
    /// proof back (folding: the children's node proofs there too).
    fn transfer_bytes(&self, kind: CircuitKind) -> u64 {
        let c = self.m.circuit(kind);
        let witness = c.map_or(0, |c| c.constraints) * WITNESS_BYTES_PER_CONSTRAINT;
        match (self.system, &self.m.folding) {
            (ProofSystem::Folding, Some(f)) => {
                let children = match kind {
                    CircuitKind::PublicVm => 0,
                    CircuitKind::BaseRollup => 1,
                    _ => 2,
                };
                witness + (children + 1) * f.root_bytes
            }
            _ => witness + c.map_or(0, |c| c.proof_bytes),
        }
    }
}

impl Costs for MeasuredCosts<'_> {
    fn seconds(&self, kind: CircuitKind, threads: usize) -> f64 {
        let prove = self.scaling.get(&kind).map_or(0.0, |s| s.at(threads));
        prove
            + self
                .link
                .map_or(0.0, |bps| self.transfer_bytes(kind) as f64 / bps)
    }

    fn first_extra(&self, kind: CircuitKind) -> f64 {
        match self.system {
            ProofSystem::Folding => 0.0,
            ProofSystem::Groth16 => self.m.circuit(kind).map_or(0.0, |c| c.first_extra_s),
        }
    }

    fn peak_bytes(&self, kind: CircuitKind) -> u64 {
        let peak = match (self.system, &self.m.folding) {
            (ProofSystem::Folding, Some(f)) => f.node_peak_bytes,
            _ => self.m.circuit(kind).and_then(|c| c.peak_bytes),
        };
        peak.unwrap_or(1 << 20)
    }
}

/// Plans from one measurement: block shapes of its preset (cached per size) and its figures.
pub struct Planner<'a> {
    m: &'a Measurement,
    preset: &'a Preset,
    shapes: RefCell<HashMap<usize, Shape>>,
}

impl<'a> Planner<'a> {
    /// A planner over `m`, taken at `preset`.
    pub fn new(m: &'a Measurement, preset: &'a Preset) -> Self {
        Self {
            m,
            preset,
            shapes: RefCell::new(HashMap::new()),
        }
    }

    /// The proof systems `m` has figures for.
    pub fn systems(&self) -> Vec<ProofSystem> {
        let mut v = vec![ProofSystem::Groth16];
        if self.m.folding.is_some() {
            v.push(ProofSystem::Folding);
        }
        v
    }

    /// The whole report: circuits against `profile`'s limits, every tier of `tiers` with a
    /// slot of `slot_s` seconds, and this box under `profile` for `this_box_txs` block sizes.
    pub fn report(
        &self,
        profile: &Profile,
        tiers: &[Profile],
        slot_s: f64,
        this_box_txs: &[usize],
    ) -> Result<CapacityReport> {
        let mut circuits = Vec::new();
        for system in self.systems() {
            circuits.extend(self.circuit_plans(profile, system));
        }
        let mut plans = Vec::new();
        for tier in tiers {
            for system in self.systems() {
                plans.push(self.tier_plan(tier, system, slot_s)?);
            }
        }
        let machine = Machine::detect();
        let mut this_box = Vec::new();
        for &txs in this_box_txs {
            for system in self.systems() {
                let fleet = this_box_fleet(profile, &machine);
                this_box.push((system, self.block_time(system, txs, &fleet)?));
            }
        }
        Ok(CapacityReport {
            profile: profile.name.clone(),
            slot_s,
            measurement: self.m.clone(),
            circuits,
            tiers: plans,
            this_box,
            assumptions: self.assumptions(),
        })
    }

    fn assumptions(&self) -> Vec<String> {
        let n = self.m.threads;
        vec![
            format!(
                "each proof's time at t threads follows Amdahl's law fitted to its runs at 1 and \
                 {n} threads on this box (serial part + parallel part / t); memory bandwidth \
                 and caches of larger machines are not modelled"
            ),
            "the block's job graph is played out with the scheduler's rules (nearest the root \
             first, a proof takes its family's cores and its measured peak memory); the first \
             proof of each circuit in a block takes its measured cold-start extra"
                .into(),
            format!(
                "block shapes (public calls per tx) are those of the workload generator; \
                 simulation is {:.3} s per tx, serial",
                self.m.simulate_s_per_tx
            ),
            format!(
                "across boxes, a proof's witness ({WITNESS_BYTES_PER_CONSTRAINT} bytes per \
                 constraint) goes out and its proof comes back over the tier's bandwidth \
                 (folding: the children's node proofs too), serially with the proof"
            ),
            format!(
                "disk: {STATE_BYTES_PER_LEAF} bytes per tree leaf a tx adds (note hashes, \
                 nullifiers, one public write per public call) plus the bundle, one block per slot"
            ),
        ]
    }

    /// The costs of `system`, optionally across boxes linked at `bandwidth_mbps`.
    fn costs(&self, system: ProofSystem, bandwidth_mbps: Option<u64>) -> MeasuredCosts<'a> {
        let n = self.m.threads;
        let scaling = CircuitKind::ALL
            .into_iter()
            .filter_map(|k| {
                let s = match (system, &self.m.folding) {
                    (ProofSystem::Folding, Some(f)) => Scaling::fit(f.node_1_s, f.node_n_s, n),
                    _ => {
                        let c = self.m.circuit(k)?;
                        Scaling::fit(c.time_1_s, c.time_n_s, n)
                    }
                };
                Some((k, s))
            })
            .collect();
        MeasuredCosts {
            m: self.m,
            system,
            scaling,
            link: bandwidth_mbps.map(|b| b.max(1) as f64 * 1e6 / 8.0),
        }
    }

    /// `measured` where this box ran proofs at `threads`, else how it was projected.
    fn basis(&self, threads: usize) -> String {
        let n = self.m.threads;
        if threads == 1 || threads == n {
            format!("measured on this box at {threads} threads")
        } else {
            format!("projected from 1 and {n} threads on this box (Amdahl)")
        }
    }

    fn circuit_plans(&self, profile: &Profile, system: ProofSystem) -> Vec<CircuitPlan> {
        let costs = self.costs(system, None);
        let w = profile.proof_width(profile.cores);
        match (system, &self.m.folding) {
            (ProofSystem::Folding, Some(f)) => {
                let check = BudgetCheck::new(
                    profile,
                    Family::Rollup,
                    w,
                    costs.seconds(CircuitKind::BaseRollup, w),
                    f.node_peak_bytes,
                    f.root_bytes,
                );
                vec![CircuitPlan {
                    circuit: "folding-node".into(),
                    proof_system: system,
                    check,
                    basis: self.basis(w),
                }]
            }
            _ => self
                .m
                .circuits
                .iter()
                .map(|c| {
                    let family = Family::of(c.circuit);
                    CircuitPlan {
                        circuit: c.circuit.name().into(),
                        proof_system: system,
                        check: BudgetCheck::new(
                            profile,
                            family,
                            w,
                            costs.seconds(c.circuit, w),
                            c.peak_bytes,
                            c.proof_bytes,
                        ),
                        basis: self.basis(w),
                    }
                })
                .collect(),
        }
    }

    /// The tree of a generated block of `txs` txs (cached).
    fn shape(&self, txs: usize) -> Result<Shape> {
        if let Some(s) = self.shapes.borrow().get(&txs) {
            return Ok(s.clone());
        }
        let block = BlockFile::generate(self.preset, &WorldState::genesis(self.preset), txs, 1)?;
        let mut calls: Vec<usize> = block.txs.iter().map(|t| t.public_calls.len()).collect();
        calls.resize(calls.len().max(sidecar_circuits::rollup::MIN_TXS), 0);
        let leaves = block
            .txs
            .iter()
            .map(|t| (t.note_hashes.len() + t.nullifiers.len() + t.public_calls.len()) as u64)
            .sum();
        let shape = Shape {
            nodes: tree_for_calls(&calls)?,
            leaves,
        };
        self.shapes.borrow_mut().insert(txs, shape.clone());
        Ok(shape)
    }

    /// A block of `txs` txs on `fleet`, with `system`.
    pub fn block_time(&self, system: ProofSystem, txs: usize, fleet: &Fleet) -> Result<BlockTime> {
        self.block_time_linked(system, txs, fleet, None)
    }

    fn block_time_linked(
        &self,
        system: ProofSystem,
        txs: usize,
        fleet: &Fleet,
        bandwidth_mbps: Option<u64>,
    ) -> Result<BlockTime> {
        let shape = self.shape(txs)?;
        let costs = self.costs(system, bandwidth_mbps.filter(|_| fleet.count > 1));
        let schedule = simulate(&shape.nodes, fleet, &costs);
        let (keys_s, decide_s) = match (system, &self.m.folding) {
            (ProofSystem::Folding, Some(f)) => (f.keys_s, f.decide_s),
            _ => (self.m.keys_load_s, 0.0),
        };
        let simulate_s = self.m.simulate_s_per_tx * txs as f64;
        Ok(BlockTime {
            txs,
            simulate_s,
            keys_s,
            prove_s: schedule.makespan_s,
            decide_s,
            critical_path_s: schedule.critical_path_s,
            total_s: simulate_s + keys_s + schedule.makespan_s + decide_s,
        })
    }

    fn tier_plan(&self, tier: &Profile, system: ProofSystem, slot_s: f64) -> Result<TierPlan> {
        let fleet = tier_fleet(tier, 1);
        let fits = |txs: usize| -> Result<bool> {
            Ok(self.block_time(system, txs, &fleet)?.total_s <= slot_s)
        };
        // Largest n with a block of n txs within the slot: doubling, then bisection.
        let (mut lo, mut hi) = (0usize, 1usize);
        while hi <= MAX_PLANNED_TXS && fits(hi)? {
            lo = hi;
            hi *= 2;
        }
        let capped = hi > MAX_PLANNED_TXS;
        let mut hi = hi.min(MAX_PLANNED_TXS + 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if fits(mid)? {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let block_1024 = self.block_time(system, FLEET_BLOCK_TXS, &fleet)?;
        let widest = fleet.width;
        let (mut best_width, mut best_width_s) = (widest, block_1024.total_s);
        let caps = std::iter::successors(Some(1usize), |w| Some(w * 2));
        for cap in caps.take_while(|&w| w < widest) {
            let narrow = Fleet {
                width: cap,
                ..fleet.clone()
            };
            let t = self.block_time(system, FLEET_BLOCK_TXS, &narrow)?.total_s;
            if t < best_width_s {
                (best_width, best_width_s) = (cap, t);
            }
        }
        let mut boxes_for_1024 = None;
        if block_1024.critical_path_s + block_1024.simulate_s + block_1024.keys_s < slot_s {
            let mut k = 1;
            while k <= MAX_BOXES {
                let t = self.block_time_linked(
                    system,
                    FLEET_BLOCK_TXS,
                    &tier_fleet(tier, k),
                    Some(tier.bandwidth_mbps),
                )?;
                if t.total_s <= slot_s {
                    boxes_for_1024 = Some(k);
                    break;
                }
                k = if k < 8 { k + 1 } else { k + k / 4 };
            }
        }
        let shape = self.shape(FLEET_BLOCK_TXS)?;
        let costs = self.costs(system, None);
        let transfer_bytes_1024 = match boxes_for_1024 {
            Some(k) if k > 1 => shape
                .nodes
                .iter()
                .map(|n| costs.transfer_bytes(n.kind))
                .sum(),
            _ => 0,
        };
        let per_block = self.block_bytes(system, lo)?;
        let blocks_per_year = 365.25 * 86_400.0 / slot_s;
        let disk_bytes_per_year = per_block as f64 * blocks_per_year;
        let curve = curve_sizes()
            .map(|txs| self.block_time(system, txs, &fleet))
            .collect::<Result<Vec<_>>>()?;
        Ok(TierPlan {
            tier: tier.name.clone(),
            proof_system: system,
            cores: tier.cores,
            ram_gb: tier.ram_gb,
            width: fleet.width,
            basis: if tier.cores <= self.m.machine_cores {
                format!(
                    "measured widths on this box ({} cores)",
                    self.m.machine_cores
                )
            } else {
                format!(
                    "projected: a {}-core box from 1 and {} threads on this {}-core box",
                    tier.cores, self.m.threads, self.m.machine_cores
                )
            },
            max_txs_in_slot: lo,
            max_txs_capped: capped,
            txs_per_s: lo as f64 / slot_s,
            block_1024,
            best_width,
            best_width_s,
            boxes_for_1024,
            transfer_bytes_1024,
            disk_bytes_per_year,
            disk_years: tier.disk_tb as f64 * 1e12 / disk_bytes_per_year.max(1.0),
            curve,
        })
    }

    /// Disk one block of `txs` txs adds: its state leaves and its bundle.
    fn block_bytes(&self, system: ProofSystem, txs: usize) -> Result<u64> {
        if txs == 0 {
            return Ok(0);
        }
        let shape = self.shape(txs)?;
        let bundle = match (system, &self.m.folding) {
            (ProofSystem::Folding, Some(f)) => f.root_bytes,
            _ => self.m.bundle_bytes_per_proof * shape.nodes.len() as u64,
        };
        Ok(shape.leaves * STATE_BYTES_PER_LEAF + bundle)
    }
}

/// Block sizes on the plot's x axis.
pub fn curve_sizes() -> impl Iterator<Item = usize> {
    (1..=10).map(|p| 1usize << p)
}

/// `count` boxes of `tier`, each as the engine applies the profile on a machine of exactly
/// the tier's cores and RAM.
fn tier_fleet(tier: &Profile, count: usize) -> Fleet {
    let machine = Machine {
        cores: tier.cores,
        ram_bytes: tier.ram_gb * GIB,
    };
    Fleet {
        count,
        ..this_box_fleet(tier, &machine)
    }
}

/// One box: `profile` as the engine applies it on `machine` (threads and memory capped at
/// what exists).
fn this_box_fleet(profile: &Profile, machine: &Machine) -> Fleet {
    let (cores, ram_bytes) = profile.limits_on(machine);
    Fleet {
        count: 1,
        cores,
        ram_bytes,
        width: profile.proof_width(cores),
    }
}
