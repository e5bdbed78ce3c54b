//! Run-time CPU dispatch of the large products: the same safe kernels, compiled three
//! times, for the x86-64 baseline, for AVX2 and for AVX-512, and the widest that the CPU
//! has chosen once per process.
//!
//! A default build targets the x86-64 baseline (SSE2: 4 `f32` lanes), since the binary
//! must run on every x86-64 CPU. With the `simd-dispatch` feature (on by default), the
//! products of at least 4 096 multiply-adds (a large layer's
//! `W a`, `δ a_prevᵀ` and `Wᵀ δ`) call a copy of the cache-blocked kernels compiled
//! inside a function marked `#[target_feature(enable = "avx2")]` or
//! `#[target_feature(enable = "avx512f")]`: no intrinsics, only the same generic loops,
//! which LLVM vectorises for 8 or 16 `f32` lanes there, with tiles shaped for that
//! register file. Small products (the seed network's 4 × 3 · 3 × 1 and its batch of 64)
//! stay on the compile-time path, inlined into their callers, where a call through the
//! dispatcher would cost more than it saves.
//!
//! # The same bits at every level
//!
//! Every output entry is summed in the order `k = 0, 1, …, K−1` at every level, with
//! separate multiplies and adds (no `mul_add`: a fused multiply-add rounds once instead
//! of twice, and the baseline has none). Rust lets LLVM neither reassociate nor contract
//! floating-point operations, so the vector width changes how many entries are computed
//! at once, never how one is rounded: baseline, AVX2 and AVX-512 give identical results,
//! run after run (the crate's unit tests compare the bits of all three in one process).
//!
//! # The `fma` feature
//!
//! With the `fma` feature (off by default) the large products sum with fused
//! multiply-adds instead: each `acc + a·b` rounded once. Every level still gives the
//! same bits, because a fused multiply-add is correctly rounded wherever it runs: the
//! AVX2 and AVX-512 levels are compiled with FMA (and chosen only on CPUs that have
//! it), and the baseline calls std's software `fma` unless the build targets FMA. So
//! training is still reproducible on every x86-64 CPU, but its bits are no longer
//! those of the textbook loop, and on a CPU without FMA the large products run a
//! software `fma` per multiply-add, many times slower. Products below 4 096
//! multiply-adds (the seed network's) are computed as in the default mode.
//!
//! Why it is not the default: the default mode's results equal the textbook product
//! bit for bit, which is what the crate's tests hold every kernel to and what a reader
//! of the derivation can check by hand, and it runs at full speed on every CPU. Why it
//! exists: without FMA each product needs a register of its own before it is added,
//! which leaves AVX2's 16 registers one short of the tiles that keep the load ports
//! below the arithmetic; with it, the two large products of a 784 → 128 layer run
//! 12–14 % faster on a Zen 3 core (see `Avx2` in the blocked kernels and
//! `benches/README.md`).
//!
//! # Choosing the level
//!
//! [`level`] detects the CPU once (`is_x86_feature_detected!`) and caches the answer.
//! The environment variable `BACKPROP_SIMD` (`baseline`, `avx2` or `avx512`), read at
//! that moment, lowers the level, to test or measure each path on one machine; it never
//! raises it above what the CPU has, and other values are ignored. "Baseline" means the
//! target the crate was compiled for: with `-C target-cpu=native` that is already the
//! CPU's own widest extension, and dispatch adds nothing.
//!
//! # Safety
//!
//! Calling a `#[target_feature]` function is `unsafe`: on a CPU without the extension it
//! would execute instructions the CPU does not have. This module is the only place in the
//! crate that allows `unsafe`, and only for those calls; each is guarded by the cached
//! detection and carries its `SAFETY` comment. Without the feature the crate is
//! `forbid(unsafe_code)`.

#![cfg_attr(feature = "simd-dispatch", allow(unsafe_code))]

use crate::matrix::kernels::blocked::{self, Native};
use crate::scalar::Scalar;

/// A set of vector instructions that the large products can be compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The target the crate was compiled for (SSE2 on x86-64 with default flags).
    Baseline,
    /// AVX2: 256-bit registers, 8 `f32` lanes.
    Avx2,
    /// AVX-512F: 512-bit registers, 16 `f32` lanes.
    Avx512,
}

impl Level {
    /// The level's name, as `BACKPROP_SIMD` spells it: `baseline`, `avx2`, `avx512`.
    pub const fn name(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
    }

    /// The level named `name` (as [`Level::name`] spells it), or `None`.
    pub fn from_name(name: &str) -> Option<Level> {
        [Level::Baseline, Level::Avx2, Level::Avx512]
            .into_iter()
            .find(|level| level.name() == name.trim())
    }
}

/// The level the large products run at: the widest the CPU has, lowered by
/// `BACKPROP_SIMD` if set; [`Level::Baseline`] without the `simd-dispatch` feature or off
/// x86-64. Detected on the first call and cached for the life of the process.
pub fn level() -> Level {
    levels().chosen
}

/// The widest level the CPU has (cached like [`level`]); [`Level::Baseline`] without the
/// `simd-dispatch` feature or off x86-64.
pub fn detected() -> Level {
    levels().detected
}

/// What the CPU has and what was chosen.
#[derive(Clone, Copy)]
struct Levels {
    detected: Level,
    chosen: Level,
}

#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
fn levels() -> Levels {
    static LEVELS: std::sync::OnceLock<Levels> = std::sync::OnceLock::new();
    *LEVELS.get_or_init(|| {
        // With `fma` both levels are compiled with FMA as well, so they need it too
        // (every AVX-512F CPU and nearly every AVX2 CPU has it).
        let fma = !cfg!(feature = "fma") || std::arch::is_x86_feature_detected!("fma");
        let detected = if fma && std::arch::is_x86_feature_detected!("avx512f") {
            Level::Avx512
        } else if fma && std::arch::is_x86_feature_detected!("avx2") {
            Level::Avx2
        } else {
            Level::Baseline
        };
        let requested = std::env::var("BACKPROP_SIMD")
            .ok()
            .and_then(|name| Level::from_name(&name.to_ascii_lowercase()));
        let chosen = requested.map_or(detected, |r| r.min(detected));
        Levels { detected, chosen }
    })
}

#[cfg(not(all(feature = "simd-dispatch", target_arch = "x86_64")))]
fn levels() -> Levels {
    Levels {
        detected: Level::Baseline,
        chosen: Level::Baseline,
    }
}

/// `out = A B` for a large product, at [`level`].
#[inline(never)]
pub(crate) fn matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    matmul_at(level(), a, b, out);
}

/// `out = Aᵀ B` for a large product, at [`level`].
#[inline(never)]
pub(crate) fn tr_matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; R]; K],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    tr_matmul_at(level(), a, b, out);
}

/// `out = A Bᵀ` for a large product, at [`level`].
#[inline(never)]
pub(crate) fn matmul_tr<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
) {
    matmul_tr_at(level(), a, b, out);
}

/// Writes the three `*_at` functions: the product at `level`, lowered to what the CPU
/// has. One macro rather than three copies of the same `match`, whose `unsafe` blocks
/// and their guard must not drift apart.
macro_rules! at_level {
    ($(#[$doc:meta])* $name:ident, $kernel:ident, $a:ty, $b:ty) => {
        $(#[$doc])*
        #[inline(always)]
        pub(crate) fn $name<T: Scalar, const R: usize, const K: usize, const C: usize>(
            level: Level,
            a: &$a,
            b: &$b,
            out: &mut [[T; C]; R],
        ) {
            #[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
            match level.min(detected()) {
                Level::Avx512 => {
                    // SAFETY: `detected()` is `Avx512` only if `is_x86_feature_detected!`
                    // found AVX-512F on this CPU (and FMA, with the `fma` feature), which
                    // is all `x86::avx512::$kernel` enables.
                    unsafe { x86::avx512::$kernel(a, b, out) };
                    return;
                }
                Level::Avx2 => {
                    // SAFETY: `detected()` is `Avx2` or higher only if
                    // `is_x86_feature_detected!` found AVX2 (AVX-512F CPUs have it too)
                    // and, with the `fma` feature, FMA: all `x86::avx2::$kernel` enables.
                    unsafe { x86::avx2::$kernel(a, b, out) };
                    return;
                }
                Level::Baseline => {}
            }
            #[cfg(not(all(feature = "simd-dispatch", target_arch = "x86_64")))]
            let _ = level;
            blocked::$kernel::<Native, T, R, K, C>(a, b, out);
        }
    };
}

at_level!(
    /// [`matmul`] at `level` (at most [`detected`]).
    matmul_at, matmul, [[T; K]; R], [[T; C]; K]
);
at_level!(
    /// [`tr_matmul`] at `level` (at most [`detected`]).
    tr_matmul_at, tr_matmul, [[T; R]; K], [[T; C]; K]
);
at_level!(
    /// [`matmul_tr`] at `level` (at most [`detected`]).
    matmul_tr_at, matmul_tr, [[T; K]; R], [[T; K]; C]
);

/// The blocked kernels compiled for AVX2 and for AVX-512.
#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
mod x86 {
    /// Writes, in a module per extension, one `unsafe fn` per product that enables the
    /// extension and runs the generic kernel for its tile shapes. A macro because the
    /// two modules differ only in the feature string and the [`Isa`] type.
    ///
    /// [`Isa`]: crate::matrix::kernels::blocked::Isa
    macro_rules! compiled_for {
        ($module:ident, $feature:literal, $isa:ident) => {
            pub(super) mod $module {
                use crate::matrix::kernels::blocked::{self, $isa};
                use crate::scalar::Scalar;

                /// `A B` compiled for this extension.
                ///
                /// # Safety
                /// The CPU must have the extension.
                #[target_feature(enable = $feature)]
                pub(crate) unsafe fn matmul<
                    T: Scalar,
                    const R: usize,
                    const K: usize,
                    const C: usize,
                >(
                    a: &[[T; K]; R],
                    b: &[[T; C]; K],
                    out: &mut [[T; C]; R],
                ) {
                    blocked::matmul::<$isa, T, R, K, C>(a, b, out);
                }

                /// `Aᵀ B` compiled for this extension.
                ///
                /// # Safety
                /// The CPU must have the extension.
                #[target_feature(enable = $feature)]
                pub(crate) unsafe fn tr_matmul<
                    T: Scalar,
                    const R: usize,
                    const K: usize,
                    const C: usize,
                >(
                    a: &[[T; R]; K],
                    b: &[[T; C]; K],
                    out: &mut [[T; C]; R],
                ) {
                    blocked::tr_matmul::<$isa, T, R, K, C>(a, b, out);
                }

                /// `A Bᵀ` compiled for this extension.
                ///
                /// # Safety
                /// The CPU must have the extension.
                #[target_feature(enable = $feature)]
                pub(crate) unsafe fn matmul_tr<
                    T: Scalar,
                    const R: usize,
                    const K: usize,
                    const C: usize,
                >(
                    a: &[[T; K]; R],
                    b: &[[T; K]; C],
                    out: &mut [[T; C]; R],
                ) {
                    blocked::matmul_tr::<$isa, T, R, K, C>(a, b, out);
                }
            }
        };
    }

    #[cfg(not(feature = "fma"))]
    compiled_for!(avx2, "avx2", Avx2);
    #[cfg(not(feature = "fma"))]
    compiled_for!(avx512, "avx512f", Avx512);
    #[cfg(feature = "fma")]
    compiled_for!(avx2, "avx2,fma", Avx2);
    #[cfg(feature = "fma")]
    compiled_for!(avx512, "avx512f,fma", Avx512);
}
