//! Twiddle tables, computed once per field and grown on demand.
//!
//! The table for a field holds, at positions `m..2m` for every power of two `m < N`, the powers
//! `ω_{2m}^j` (`j < m`) of the primitive `2m`-th root of unity `ω_{2m} = F::get_root_of_unity(2m)`.
//! The twiddles of butterfly layer `m` are therefore one contiguous slice, independent of the
//! transform size, so a table built for size `N` serves every size up to `N`.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ark_ff::FftField;
use rayon::prelude::*;

/// Per-field twiddle tables shared by all transforms of one backend instance.
#[derive(Default)]
pub struct TwiddleCache {
    tables: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl TwiddleCache {
    /// A table covering transforms up to size `2^log` (at least), building or growing it if the
    /// cached one is smaller. `log` must not exceed `F::TWO_ADICITY`.
    pub fn get<F: FftField>(&self, log: u32) -> Arc<Vec<F>> {
        let key = TypeId::of::<F>();
        let need = 1usize << log;
        if let Some(table) = self.lookup::<F>(key, need) {
            return table;
        }
        // Built outside the lock; two racing builders produce equal tables.
        let table = Arc::new(build::<F>(log));
        let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        match tables
            .get(&key)
            .and_then(|t| t.clone().downcast::<Vec<F>>().ok())
        {
            Some(existing) if existing.len() >= need => existing,
            _ => {
                tables.insert(key, table.clone());
                table
            }
        }
    }

    fn lookup<F: FftField>(&self, key: TypeId, need: usize) -> Option<Arc<Vec<F>>> {
        let tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        let table = tables.get(&key)?.clone().downcast::<Vec<F>>().ok()?;
        (table.len() >= need).then_some(table)
    }
}

/// Builds the layered table for sizes up to `2^log` (length `2^log`, entry 0 unused).
pub fn build<F: FftField>(log: u32) -> Vec<F> {
    let n = 1usize << log;
    let mut table = vec![F::one(); n.max(2)];
    if log == 0 {
        return table;
    }
    // Top layer m = n/2: ω_n^j for j < n/2, in parallel chunks.
    let half = n / 2;
    let omega = F::get_root_of_unity(n as u64).expect("size within two-adicity");
    const CHUNK: usize = 1 << 12;
    table[half..]
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut pow = omega.pow([(c * CHUNK) as u64]);
            for t in chunk {
                *t = pow;
                pow *= omega;
            }
        });
    // Lower layers are every other entry of the layer above: ω_{2m}^j = ω_{4m}^{2j}.
    let mut m = half / 2;
    while m >= 1 {
        let (lower, upper) = table.split_at_mut(2 * m);
        lower[m..]
            .par_iter_mut()
            .enumerate()
            .for_each(|(j, t)| *t = upper[2 * j]);
        m /= 2;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ff::Field;

    #[test]
    fn layers_hold_powers_of_their_root() {
        let table = build::<Fr>(10);
        for log_m in 0..10 {
            let m = 1usize << log_m;
            let w = Fr::get_root_of_unity(2 * m as u64).unwrap();
            for j in [0, m / 3, m - 1] {
                assert_eq!(table[m + j], w.pow([j as u64]), "m = {m}, j = {j}");
            }
        }
    }

    #[test]
    fn cache_grows_and_reuses() {
        let cache = TwiddleCache::default();
        let small = cache.get::<Fr>(4);
        let large = cache.get::<Fr>(8);
        assert_eq!(&large[..16], &small[..16]);
        assert!(Arc::ptr_eq(&large, &cache.get::<Fr>(6)));
    }
}
