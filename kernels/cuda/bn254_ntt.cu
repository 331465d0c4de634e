// BN254 Fr number-theoretic transforms: sppark's NTT, instantiated for alt_bn128, natural
// order in and out. Values are arkworks Fr (Montgomery form, the layout of sppark's fr_t).
// The coset type uses sppark's fixed shift `group_gen` (the field's multiplicative generator,
// arkworks' Fr::GENERATOR); other shifts are applied on the host.

#include <cuda.h>

#include <ff/alt_bn128.hpp>
#include <ntt/ntt.cuh>

extern "C" RustError::by_value sidecar_cuda_fr_ntt(fr_t* values, uint32_t lg_size,
                                                   size_t count, bool inverse, bool coset)
{
    try {
        const gpu_t& gpu = select_gpu(-1);
        size_t n = (size_t)1 << lg_size;
        auto dir = inverse ? NTT::Direction::inverse : NTT::Direction::forward;
        auto type = coset ? NTT::Type::coset : NTT::Type::standard;
        for (size_t i = 0; i < count; i++) {
            RustError e = NTT::Base(gpu, values + i * n, lg_size,
                                    NTT::InputOutputOrder::NN, dir, type);
            if (e.code != cudaSuccess)
                return e;
        }
        return RustError{cudaSuccess};
    } catch (const cuda_error& e) {
        return RustError{e.code(), e.what()};
    }
}

// Number of usable devices; the error code is cudaGetDeviceCount's (35: driver too old or
// missing, 100: no device).
extern "C" RustError::by_value sidecar_cuda_device_count(int* count)
{
    *count = 0;
    cudaError_t e = cudaGetDeviceCount(count);
    if (e != cudaSuccess) {
        *count = 0;
        return RustError{e, cudaGetErrorString(e)};
    }
    *count = (int)ngpus();
    return RustError{cudaSuccess};
}
