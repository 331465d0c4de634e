//! Montgomery's batch inversion over two interleaved product chains.
//!
//! The forward pass multiplies each denominator into a running product, and the backward pass
//! peels one inverse off a running inverse per element: both are chains of dependent products,
//! so a single chain runs at the product's latency rather than its throughput. Here
//! consecutive elements alternate between two independent chains, which the CPU overlaps; the
//! two chains cost three extra products and share one inversion.
//!
//! The running products and inverses, and the inverses handed out, are lazy products
//! ([`KernelField::kmul_lazy`]): they only ever feed other products, so they skip the final
//! reduction. The one value inverted is a reduced product.
//!
//! ```text
//!  forward:  prefix_j = a;  (a, b) ← (b, a·d_j)          (a, b start at 1)
//!  invert:   t = (a·b)^{-1};  (x, y) = (t·b, t·a) = (a^{-1}, b^{-1})
//!  backward: d_j^{-1} = y·prefix_j;  (x, y) ← (y·d_j, x)  (j descending)
//! ```

use ark_ff::Field;

use crate::cpu::field::KernelField;

/// The forward pass: running products of two chains, the prefixes stored in `prefix`.
pub struct Products<'a, F: Field> {
    prefix: &'a mut Vec<F>,
    a: F,
    b: F,
}

impl<'a, F: Field> Products<'a, F> {
    /// Starts a batch, clearing `prefix`.
    pub fn new(prefix: &'a mut Vec<F>) -> Self {
        prefix.clear();
        Self {
            prefix,
            a: F::one(),
            b: F::one(),
        }
    }

    /// Appends the next denominator `d` (non-zero).
    #[inline(always)]
    pub fn push(&mut self, d: &F) {
        self.prefix.push(self.a);
        let next = self.a.kmul_lazy(d);
        self.a = self.b;
        self.b = next;
    }

    /// Inverts the batch: the inverses come back in reverse order from [`Inverses::pop`].
    pub fn invert(self) -> Inverses<'a, F> {
        let t = self
            .a
            .kmul(&self.b)
            .inverse()
            .expect("denominators are non-zero");
        Inverses {
            prefix: self.prefix,
            x: t.kmul_lazy(&self.b),
            y: t.kmul_lazy(&self.a),
        }
    }
}

/// The backward pass of a batch built by [`Products`].
pub struct Inverses<'a, F: Field> {
    prefix: &'a [F],
    x: F,
    y: F,
}

impl<F: Field> Inverses<'_, F> {
    /// `d^{-1}` for the last denominator `d` not yet popped (`d` must be the one pushed
    /// there), as a lazy product: only valid as an operand of a product.
    #[inline(always)]
    pub fn pop(&mut self, d: &F) -> F {
        let (last, rest) = self.prefix.split_last().expect("one pop per push");
        self.prefix = rest;
        let inv = self.y.kmul_lazy(last);
        let prev = self.y.kmul_lazy(d);
        self.y = self.x;
        self.x = prev;
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fq, Fq2};
    use ark_std::UniformRand;
    use rand::{SeedableRng, rngs::StdRng};

    fn inverts_every_element<F: Field + UniformRand>(seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        for n in [0usize, 1, 2, 3, 8, 101] {
            let ds: Vec<F> = (0..n)
                .map(|i| {
                    if i % 7 == 3 {
                        F::one()
                    } else {
                        F::rand(&mut rng)
                    }
                })
                .collect();
            let mut prefix = Vec::new();
            let mut products = Products::new(&mut prefix);
            for d in &ds {
                products.push(d);
            }
            let mut inverses = products.invert();
            for d in ds.iter().rev() {
                let one = inverses.pop(d).kmul(d);
                assert_eq!(one, F::one(), "n = {n}");
            }
        }
    }

    #[test]
    fn inverts_every_fq_element() {
        inverts_every_element::<Fq>(21);
    }

    #[test]
    fn inverts_every_fq2_element() {
        inverts_every_element::<Fq2>(22);
    }
}
