//! [`var_struct!`]: the `AllocVar` impl (and, on request, `enforce_equal`) of an in-circuit
//! struct whose fields mirror a native `Copy` struct field by field.
//!
//! ```ignore
//! var_struct!(TreeSnapshot => TreeSnapshotVar {
//!     root: FpVar<Fr> = |s| s.root,
//!     next_index: FpVar<Fr> = |s| Fr::from(s.next_index),
//! } + enforce_equal);
//! ```
//! allocates `root` then `next_index` (declaration order is allocation order, so the
//! constraint system's shape follows the list) in the caller's mode, each from the native value
//! its closure reads; `+ enforce_equal` also defines `enforce_equal(&self, &Self)` over every field.

/// See the module note.
macro_rules! var_struct {
    ($native:ty => $var:ident { $($field:ident : $fvar:ty = $get:expr),+ $(,)? } + enforce_equal) => {
        var_struct!($native => $var { $($field: $fvar = $get),+ });
        impl $var {
            /// Enforces equality of every field.
            pub fn enforce_equal(
                &self,
                other: &Self,
            ) -> Result<(), ark_relations::gr1cs::SynthesisError> {
                #[allow(unused_imports)]
                use ark_r1cs_std::eq::EqGadget as _;
                $(self.$field.enforce_equal(&other.$field)?;)+
                Ok(())
            }
        }
    };
    ($native:ty => $var:ident { $($field:ident : $fvar:ty = $get:expr),+ $(,)? }) => {
        impl ark_r1cs_std::alloc::AllocVar<$native, ark_bn254::Fr> for $var {
            fn new_variable<T: core::borrow::Borrow<$native>>(
                cs: impl Into<ark_relations::gr1cs::Namespace<ark_bn254::Fr>>,
                f: impl FnOnce() -> Result<T, ark_relations::gr1cs::SynthesisError>,
                mode: ark_r1cs_std::alloc::AllocationMode,
            ) -> Result<Self, ark_relations::gr1cs::SynthesisError> {
                let cs = cs.into().cs();
                let native: Result<$native, _> = f().map(|v| *v.borrow());
                Ok(Self {
                    $($field: <$fvar as ark_r1cs_std::alloc::AllocVar<_, ark_bn254::Fr>>::new_variable(
                        cs.clone(),
                        || native.map(|v| ($get)(&v)),
                        mode,
                    )?,)+
                })
            }
        }
    };
}

pub(crate) use var_struct;
