//! What a set of tiles is shaped for: the vector width and the register budget of the
//! target the crate is compiled for ([`Native`]) and of the levels `crate::simd`
//! dispatches to ([`Avx2`], [`Avx512`]).

use crate::matrix::kernels::{ACC_REGS, MAX_NV, VECTOR_BYTES};

/// The vector width and register budget that a set of tiles is shaped for.
pub(crate) trait Isa {
    /// Bytes in one SIMD register.
    const VECTOR_BYTES: usize;
    /// How many vector registers a tile's accumulators may occupy: about half the file.
    const ACC_REGS: usize;
    /// The widest tile, in vectors.
    const MAX_NV: usize;
}

/// The target the crate is compiled for: SSE2 with default flags, AVX-512 with
/// `-C target-cpu=native` on a CPU that has it.
pub(crate) struct Native;

impl Isa for Native {
    const VECTOR_BYTES: usize = VECTOR_BYTES;
    const ACC_REGS: usize = ACC_REGS;
    const MAX_NV: usize = MAX_NV;
}

/// AVX2: 16 registers of 32 bytes; tiles of one row by up to 8 vectors.
///
/// Without fused multiply-adds each product needs a register of its own before it is
/// added, so a tile of 2 rows by 4 vectors (8 accumulators, 4 loaded vectors of `B`, 2
/// broadcasts) already needs 15 of the 16 registers. One row by 8 vectors has the same 8
/// accumulators, 1 broadcast, and takes each vector of `B` straight from memory as an
/// operand of the multiply. Measured on a Zen 1 core (one process running both, the
/// best of 25 alternating runs): a 64 × 64 product 20.2 → 18.5 µs, and a 784 → 128
/// layer's `W x` on a batch of 64 511 → 462 µs. Over the packed block of `Bᵀ` in
/// [`matmul_tr`](super::matmul_tr) they are faster too, provided the block is aligned
/// (see [`Aligned`](super::Aligned)): `δ xᵀ` of the same layer (`mul_tr_128x64_784x64`,
/// which also times a copy of the 400 KB result) took 224 µs with tiles of 2 rows by 4 vectors and 200 µs with these,
/// best of alternating runs on a Zen 3 core.
///
/// With the `fma` feature a step of a 2 × 4 tile is 2 broadcasts, 4 loads and 8 fused
/// multiply-adds into the 8 accumulators: 14 registers and no temporaries, and 6 loads
/// per 8 vector operations where one row by 8 needs 9. So `fma` uses 2 × 4 tiles. On the
/// Zen 3 core (same sitting, best of three runs each): `W x` of the 784 → 128 layer
/// 160 → 140 µs, `δ xᵀ` 200 → 172 µs, a 64 × 64 product 6.9 → 6.1 µs; one row by 8 with
/// FMA gained little (165 µs, 193 µs), and 2 × 4 without FMA lost (188 µs, 226 µs).
#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
pub(crate) struct Avx2;

#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
impl Isa for Avx2 {
    const VECTOR_BYTES: usize = 32;
    const ACC_REGS: usize = 8;
    const MAX_NV: usize = if cfg!(feature = "fma") { 4 } else { 8 };
}

/// AVX-512: 32 registers of 64 bytes; tiles of up to 4 vectors by 4 rows.
#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
pub(crate) struct Avx512;

#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
impl Isa for Avx512 {
    const VECTOR_BYTES: usize = 64;
    const ACC_REGS: usize = 16;
    const MAX_NV: usize = 4;
}
