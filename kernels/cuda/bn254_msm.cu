// BN254 G1 multi-scalar multiplication: sppark's Pippenger, instantiated for alt_bn128.
//
// A handle owns an sppark msm_t constructed with the bases, so the bases are copied to the
// device once and stay resident; each MSM streams only its scalars. Scalars are arkworks Fr
// (Montgomery form, mont = true); bases are arkworks G1Affine, read with their own stride
// (x, y, then the infinity flag, which sppark ignores: arkworks stores infinity as (0, 0),
// which sppark also treats as infinity). Results are Jacobian (X, Y, Z), Montgomery form,
// Z = 0 for infinity: arkworks' Projective layout.
//
// Every entry point returns sppark's RustError by value and never lets a C++ exception
// cross into Rust.

#include <cuda.h>
#include <new>

#include <ff/alt_bn128.hpp>
#include <ec/jacobian_t.hpp>
#include <ec/xyzz_t.hpp>

typedef jacobian_t<fp_t> point_t;
typedef xyzz_t<fp_t> bucket_t;
typedef bucket_t::affine_t affine_t;
typedef fr_t scalar_t;

#include <msm/pippenger.cuh>

typedef msm_t<bucket_t, point_t, affine_t, scalar_t> g1_msm_t;

extern "C" RustError::by_value sidecar_cuda_g1_prepare(void** handle, const affine_t* bases,
                                                       size_t len, size_t affine_stride)
{
    *handle = nullptr;
    try {
        *handle = new g1_msm_t(bases, len, affine_stride);
        return RustError{cudaSuccess};
    } catch (const cuda_error& e) {
        return RustError{e.code(), e.what()};
    } catch (const std::bad_alloc&) {
        return RustError{cudaErrorMemoryAllocation, "host allocation failed"};
    }
}

extern "C" RustError::by_value sidecar_cuda_g1_msm(void* handle, point_t* out,
                                                   const scalar_t* scalars, size_t len)
{
    auto* msm = static_cast<g1_msm_t*>(handle);
    try {
        const affine_t* resident = nullptr;
        return msm->invoke(*out, resident, len, scalars, true);
    } catch (const cuda_error& e) {
        out->inf();
        return RustError{e.code(), e.what()};
    }
}

extern "C" void sidecar_cuda_g1_release(void* handle)
{
    delete static_cast<g1_msm_t*>(handle);
}
