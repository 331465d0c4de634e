//! Views of a generic value as the concrete type it is, so a generic kernel can take a
//! BN254-specific path. `TypeId` of a monomorphised type is a constant, so each check folds
//! away at compile time and the other paths vanish from the binary.

use core::any::TypeId;

/// Whether `F` and `T` are the same type.
#[inline(always)]
pub fn same<F: 'static, T: 'static>() -> bool {
    TypeId::of::<F>() == TypeId::of::<T>()
}

/// `x` as a `T` when `F` is `T`.
#[inline(always)]
pub fn view<F: 'static, T: 'static>(x: &F) -> Option<&T> {
    // SAFETY: `F` and `T` are the same type.
    same::<F, T>().then(|| unsafe { &*(x as *const F).cast::<T>() })
}

/// `x` as an `F` when `T` is `F` (the way back from [`view`]).
#[inline(always)]
pub fn back<T: Copy + 'static, F: Copy + 'static>(x: T) -> F {
    assert!(same::<T, F>(), "back() between different types");
    // SAFETY: `F` and `T` are the same type (asserted; the check folds away).
    unsafe { core::mem::transmute_copy(&x) }
}
