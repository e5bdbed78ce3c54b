//! Every kernel against a naive triple loop, at odd sizes that exercise every tile
//! shape and every remainder (1, 3, 5, 7, 17, 33, 65 and mixtures), and the large
//! products at every dispatch level against the same loop, bit for bit (with the `fma`
//! feature, the large products against the loop with fused multiply-adds).
use super::*;
use crate::simd::{self, Level};
#[cfg(not(feature = "std"))]
use std::{format, vec::Vec};

/// Deterministic entries in [-1, 1) that are not round numbers.
fn fill<T: Scalar, const R: usize, const C: usize>(seed: u64) -> [[T; C]; R] {
    let mut state = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut m = [[T::ZERO; C]; R];
    for v in m.iter_mut().flatten() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *v = T::from_f64((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0);
    }
    m
}

/// The textbook product in `T`, summed in the order of `k` from zero.
fn naive<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[T; C]; R] {
    naive_with(a, b, |s, x, y| s + x * y)
}

/// The textbook product with fused multiply-adds, `s = fma(a[i][k], b[k][j], s)` in the
/// order of `k`: what the large products compute with the `fma` feature.
#[cfg(feature = "fma")]
fn naive_fused<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[T; C]; R] {
    naive_with(a, b, |s, x, y| x.fused_mul_add(y, s))
}

/// The triple loop, each entry `s = step(s, a[i][k], b[k][j])` from `s = 0` in the order
/// of `k`.
fn naive_with<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
    step: impl Fn(T, T, T) -> T,
) -> [[T; C]; R] {
    let mut out = [[T::ZERO; C]; R];
    for i in 0..R {
        for j in 0..C {
            let mut s = T::ZERO;
            for k in 0..K {
                s = step(s, a[i][k], b[k][j]);
            }
            out[i][j] = s;
        }
    }
    out
}

/// What the kernels must equal bit for bit: the textbook loop, or with the `fma` feature
/// its fused form for a large product.
fn reference<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[T; C]; R] {
    #[cfg(feature = "fma")]
    if large::<R, K, C>() {
        return naive_fused(a, b);
    }
    naive(a, b)
}

/// The same product in `f64`, as the reference for the reordered sums.
fn naive_f64<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
) -> [[f64; C]; R] {
    let mut out = [[0.0; C]; R];
    for i in 0..R {
        for j in 0..C {
            for k in 0..K {
                out[i][j] += a[i][k].to_f64() * b[k][j].to_f64();
            }
        }
    }
    out
}

fn transpose<T: Scalar, const R: usize, const C: usize>(a: &[[T; C]; R]) -> [[T; R]; C] {
    let mut t = [[T::ZERO; R]; C];
    for i in 0..R {
        for j in 0..C {
            t[j][i] = a[i][j];
        }
    }
    t
}

/// `A B` and `Aᵀ B` sum in the order of `k` like the naive loop: bit-for-bit equal.
/// Below [`LARGE_MACS`], `A Bᵀ` sums in 8 partial sums: within `4 K ε Σ|aₖ bₖ|` of the
/// f64 product, and every entry is `dot` of two rows; from [`LARGE_MACS`] on it sums in
/// the order of `k` too, and equals the naive loop.
fn check<T: Scalar, const R: usize, const K: usize, const C: usize>() {
    let seed = (R * 10_000 + K * 100 + C) as u64;
    let a = fill::<T, R, K>(seed);
    let b = fill::<T, K, C>(seed + 1);
    let want = reference(&a, &b);
    let exact = naive_f64(&a, &b);
    let shape = format!("{} {R}x{K} * {K}x{C}", T::NAME);

    let mut out = [[T::from_f64(f64::NAN); C]; R];
    matmul(&a, &b, &mut out);
    assert_eq!(out, want, "matmul {shape}");

    let at = transpose(&a);
    let mut out = [[T::from_f64(f64::NAN); C]; R];
    tr_matmul(&at, &b, &mut out);
    assert_eq!(out, want, "tr_matmul {shape}");

    let bt = transpose(&b);
    let mut out = [[T::from_f64(f64::NAN); C]; R];
    matmul_tr(&a, &bt, &mut out);
    for i in 0..R {
        for j in 0..C {
            let scale: f64 = (0..K).map(|k| (a[i][k] * b[k][j]).abs().to_f64()).sum();
            let tol = 4.0 * K as f64 * T::EPSILON.to_f64() * scale;
            let err = (out[i][j].to_f64() - exact[i][j]).abs();
            assert!(
                err <= tol,
                "matmul_tr {shape} at ({i}, {j}): error {err:e} > {tol:e}"
            );
        }
        // Every entry is `dot` of the two rows, bit for bit, or for a large product the
        // naive sum.
        for j in 0..C {
            if large::<R, K, C>() {
                assert_eq!(
                    out[i][j], want[i][j],
                    "large matmul_tr {shape} at ({i}, {j})"
                );
            } else {
                assert_eq!(out[i][j], dot(&a[i], &bt[j]), "dot {shape} at ({i}, {j})");
            }
        }
    }

    // Row sums, four rows at a time from K = 8 on, are `sum` of each row, bit for bit.
    let mut sums = [[T::from_f64(f64::NAN); 1]; R];
    row_sums(&a, &mut sums);
    for (i, s) in sums.iter().enumerate() {
        assert_eq!(
            s[0].to_bits_u64(),
            sum(&a[i]).to_bits_u64(),
            "row_sums {shape} row {i}"
        );
    }
}

macro_rules! shapes {
    ($($name:ident: $r:literal, $k:literal, $c:literal;)*) => {$(
        #[test]
        fn $name() {
            check::<f32, $r, $k, $c>();
            check::<f64, $r, $k, $c>();
        }
    )*};
}

shapes! {
    one: 1, 1, 1;
    seed_layer: 4, 3, 1;
    four: 4, 4, 4;
    odd_3_5_7: 3, 5, 7;
    odd_7_5_3: 7, 5, 3;
    odd_5_17_3: 5, 17, 3;
    odd_17_33_5: 17, 33, 5;
    odd_33_7_65: 33, 7, 65;
    odd_65_65_65: 65, 65, 65;
    odd_65_1_65: 65, 1, 65;
    odd_1_65_1: 1, 65, 1;
    odd_1_7_33: 1, 7, 33;
    odd_17_17_17: 17, 17, 17;
    square_16: 16, 16, 16;
    square_64: 64, 64, 64;
    batch_16_64_8: 16, 64, 8;
    batch_4_2_64: 4, 2, 64;
    empty_inner: 3, 0, 2;
    // Remainders of the row tiles of A Bᵀ and of the row sums (R mod 4 = 2, 3), of
    // the partial sums (K mod 8 = 5, 7), K = 8 exactly, and no rows at all.
    tiles_6_13_3: 6, 13, 3;
    tiles_7_15_5: 7, 15, 5;
    tiles_3_8_2: 3, 8, 2;
    tiles_2_23_1: 2, 23, 1;
    no_rows: 0, 9, 3;
}

/// `dot` keeps 8 partial sums; check the grouping it documents on exact integers
/// whose sums would round differently in another order.
#[test]
fn dot_groups_as_documented() {
    let a: [f32; 8] = [1.0e8, 1.0, -1.0e8, 1.0, 1.0, 1.0, 1.0, 1.0];
    let b = [1.0f32; 8];
    // ((a0+a4) + (a1+a5)) + ((a2+a6) + (a3+a7)) = (1e8 + 2) + (−1e8 + 2) = 0, as
    // 1e8 + 1 and 1e8 + 2 round to 1e8; the grouping ((a0+a4) + (a2+a6)) + … gives 4,
    // the serial sum 5.
    let s = [a[0] + a[4], a[1] + a[5], a[2] + a[6], a[3] + a[7]];
    let want = (s[0] + s[1]) + (s[2] + s[3]);
    assert_eq!(want, 0.0);
    assert_eq!(dot(&a, &b), want);
    // Below 8 entries the sum is serial.
    let c = [1.0e8f32, 1.0, -1.0e8];
    assert_eq!(dot(&c, &[1.0; 3]), (1.0e8f32 + 1.0) - 1.0e8);
}

/// The levels this CPU can run: baseline, and AVX2 and AVX-512 where it has them.
fn levels() -> Vec<Level> {
    [Level::Baseline, Level::Avx2, Level::Avx512]
        .into_iter()
        .filter(|l| *l <= simd::detected())
        .collect()
}

/// A value on a cache line.
#[repr(C, align(64))]
struct OnLine<X>(X);

/// A value 16 bytes past a cache line.
#[repr(C, align(64))]
struct PastLine<X> {
    _pad: [u8; 16],
    b: X,
}

/// The three large kernels at every level the CPU has, called directly: every entry
/// equals the naive loop's, bit for bit (compared as bits, so a `−0.0` for a `+0.0` or a
/// differently rounded last place would show).
fn check_levels<T: Scalar, const R: usize, const K: usize, const C: usize>() {
    let seed = (R * 7_919 + K * 104_729 + C) as u64;
    let a = fill::<T, R, K>(seed);
    let b = fill::<T, K, C>(seed + 1);
    let (at, bt) = (transpose(&a), transpose(&b));
    let bits =
        |m: &[[T; C]; R]| -> Vec<u64> { m.iter().flatten().map(|v| v.to_bits_u64()).collect() };
    let want = bits(&reference(&a, &b));
    // `B` on a cache line and 16 bytes past one: `A B` and `Aᵀ B` read the first in place
    // (when its rows are whole lines) and copy the second block by block.
    let (on_line, past_line) = (OnLine(b), PastLine { _pad: [0; 16], b });
    for level in levels() {
        let shape = format!("{} {R}x{K} * {K}x{C} at {}", T::NAME, level.name());
        for (b, place) in [(&on_line.0, "on a line"), (&past_line.b, "16 bytes past")] {
            let mut out = [[T::from_f64(f64::NAN); C]; R];
            simd::matmul_at(level, &a, b, &mut out);
            assert!(bits(&out) == want, "matmul {shape}, B {place}");
            let mut out = [[T::from_f64(f64::NAN); C]; R];
            simd::tr_matmul_at(level, &at, b, &mut out);
            assert!(bits(&out) == want, "tr_matmul {shape}, B {place}");
        }
        let mut out = [[T::from_f64(f64::NAN); C]; R];
        simd::matmul_tr_at(level, &a, &bt, &mut out);
        assert!(bits(&out) == want, "matmul_tr {shape}");
    }
}

macro_rules! level_shapes {
    ($($name:ident: $r:literal, $k:literal, $c:literal;)*) => {$(
        #[test]
        fn $name() {
            check_levels::<f32, $r, $k, $c>();
            check_levels::<f64, $r, $k, $c>();
        }
    )*};
}

level_shapes! {
    // Every tile height and width with its remainders, in one block.
    levels_square_16: 16, 16, 16;
    levels_odd_17_33_65: 17, 33, 65;
    levels_odd_65_17_33: 65, 17, 33;
    levels_rows_37_8_40: 37, 8, 40;
    levels_one_row: 1, 300, 70;
    levels_one_col: 70, 300, 1;
    // Short and wide (K ≤ 8, long rows): the row-by-row path.
    levels_short_wide: 20, 5, 260;
    // Several blocks of k (128 rows of B in f32, 64 in f64, 64 in A Bᵀ's packing) and of
    // columns (64), with partial last blocks.
    levels_blocks_9_300_70: 9, 300, 70;
    levels_blocks_33_130_131: 33, 130, 131;
    levels_layer_like_10_129_64: 10, 129, 64;
    levels_layer_like_20_64_200: 20, 64, 200;
    // A last block of columns narrower than 64 gets tiles shaped for its width (16 and
    // 40 columns), with remainders of their rows.
    levels_last_block_19_20_80: 19, 20, 80;
    levels_last_block_21_9_104: 21, 9, 104;
    levels_empty_inner: 20, 0, 300;
    // From 2²⁰ multiply-adds on, a `B` off the cache lines is copied into an aligned
    // buffer, in blocks of 64 columns and a last one of 2.
    levels_copied_64_130_130: 64, 130, 130;
}

/// `BACKPROP_SIMD` never raises the level above what the CPU has, and the cached choice
/// is one of the CPU's levels.
#[test]
fn chosen_level_is_at_most_detected() {
    assert!(simd::level() <= simd::detected());
    for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
        assert_eq!(Level::from_name(level.name()), Some(level));
    }
    assert_eq!(Level::from_name("sse9"), None);
}
