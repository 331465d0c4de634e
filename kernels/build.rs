//! Build script. Without the `cuda` feature it does nothing. With it, it finds nvcc and compiles
//! the BN254 instantiations of sppark's templates (`cuda/*.cu`) into a static library, linked
//! with the static CUDA runtime, so the binary needs only the NVIDIA driver at run time.
//!
//! nvcc is looked up, in order, at `$SIDECAR_NVCC`, `$NVCC`, `<workspace>/.cuda/bin/nvcc`
//! (where `scripts/cuda-wheels.sh` installs CUDA 13.0 from PyPI) and on `PATH`.
//! `$SIDECAR_CUDA_ARCH` overrides the target architecture (default `90`: H100 / H200).

fn main() {
    #[cfg(feature = "cuda")]
    cuda::build();
}

#[cfg(feature = "cuda")]
mod cuda {
    use std::env;
    use std::path::{Path, PathBuf};

    const KERNELS: [&str; 2] = ["cuda/bn254_msm.cu", "cuda/bn254_ntt.cu"];

    fn fail(msg: &str) -> ! {
        eprintln!("error: {msg}");
        std::process::exit(1);
    }

    fn find_nvcc(manifest: &Path) -> Option<PathBuf> {
        for var in ["SIDECAR_NVCC", "NVCC"] {
            println!("cargo:rerun-if-env-changed={var}");
            if let Some(p) = env::var_os(var).map(PathBuf::from) {
                if p.is_file() {
                    return Some(p);
                }
                fail(&format!("{var}={} is not a file", p.display()));
            }
        }
        let local = manifest.join("../.cuda/bin/nvcc");
        if local.is_file() {
            return Some(local);
        }
        env::var_os("PATH")
            .into_iter()
            .flat_map(|p| env::split_paths(&p).collect::<Vec<_>>())
            .map(|d| d.join("nvcc"))
            .find(|p| p.is_file())
    }

    pub fn build() {
        let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
        let nvcc = find_nvcc(&manifest).unwrap_or_else(|| {
            fail(
                "the `cuda` feature needs nvcc (CUDA 13.0). Run `scripts/cuda-wheels.sh` to install \
                 it from PyPI into .cuda/, or set SIDECAR_NVCC=/path/to/nvcc.",
            )
        });
        let nvcc = nvcc.canonicalize().unwrap_or(nvcc);
        let sppark = env::var("DEP_SPPARK_ROOT")
            .unwrap_or_else(|_| fail("sppark did not export its header root (DEP_SPPARK_ROOT)"));
        let blst = env::var("DEP_BLST_C_SRC")
            .unwrap_or_else(|_| fail("blst did not export its source root (DEP_BLST_C_SRC)"));
        println!("cargo:rerun-if-env-changed=SIDECAR_CUDA_ARCH");
        let arch = env::var("SIDECAR_CUDA_ARCH").unwrap_or_else(|_| "90".into());

        // cc takes nvcc from $NVCC (a `.compiler(..)` override would drop its CUDA handling).
        // SAFETY: build scripts are single-threaded; nothing reads the environment concurrently.
        unsafe { env::set_var("NVCC", &nvcc) };
        let mut build = cc::Build::new();
        build
            .cuda(true)
            .flag(format!(
                "-gencode=arch=compute_{arch},code=[sm_{arch},compute_{arch}]"
            ))
            .flag("-Xcompiler")
            .flag("-Wno-unused-function")
            .define("FEATURE_BN254", None)
            .define("TAKE_RESPONSIBILITY_FOR_ERROR_MESSAGE", None)
            .include(&sppark)
            .include(&blst);
        for k in KERNELS {
            println!("cargo:rerun-if-changed={k}");
            build.file(manifest.join(k));
        }
        // sppark compiles its device registry itself only when it finds nvcc on its own.
        if env::var("DEP_SPPARK_TARGET").as_deref() != Ok("cuda") {
            build.file(Path::new(&sppark).join("util/all_gpus.cpp"));
        }
        build.compile("sidecar_cuda");

        // The PyPI wheels keep libraries in lib/, not targets/<arch>/lib or lib64/.
        if let Some(root) = nvcc.parent().and_then(Path::parent) {
            for dir in ["lib", "lib64"] {
                if root.join(dir).join("libcudart_static.a").is_file() {
                    println!(
                        "cargo:rustc-link-search=native={}",
                        root.join(dir).display()
                    );
                }
            }
        }
        for lib in ["dl", "rt", "pthread"] {
            println!("cargo:rustc-link-lib=dylib={lib}");
        }
    }
}
