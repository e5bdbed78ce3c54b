//! The crate's one numeric abstraction: [`Scalar`], implemented for `f32` and `f64`.
//!
//! Everything else in the crate (matrices, layers, losses, training) is generic over
//! `T: Scalar`, so a network can be trained in `f32` for speed and checked in `f64`
//! for precision with the same code.

pub mod exp;
pub mod ln;
pub mod math;

use core::fmt::{Debug, Display, LowerExp};
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A real number type the crate computes with: `f32` or `f64`.
///
/// It holds the arithmetic, the constants and the elementary functions that the
/// derivation needs (`exp` for the sigmoid \[N5\], `ln` for cross-entropy \[C2\], `sqrt`
/// for norms and Adam) and nothing more. No other type implements it.
pub trait Scalar:
    Copy
    + Debug
    + Display
    + LowerExp
    + Default
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + core::str::FromStr
{
    /// The additive identity, `0`.
    const ZERO: Self;
    /// The multiplicative identity, `1`.
    const ONE: Self;
    /// `2`, which occurs in central differences and in `½ (ŷ − y)²` \[C1\].
    const TWO: Self;
    /// `½`.
    const HALF: Self;
    /// Machine epsilon: the gap between `1` and the next representable number.
    const EPSILON: Self;
    /// The largest finite value.
    const MAX: Self;
    /// The smallest (most negative) finite value.
    const MIN: Self;
    /// The name of the type, `"f32"` or `"f64"`, for messages and file headers.
    const NAME: &'static str;

    /// Converts an `f64`, rounding to nearest when `Self` is `f32`.
    fn from_f64(x: f64) -> Self;

    /// `self · a + b` rounded once (a fused multiply-add), with the `fma` feature: what
    /// the large products sum with in that mode. A CPU instruction where the build or
    /// the dispatch level has FMA, else std's correctly rounded software `fma`: the
    /// same bits either way.
    #[cfg(feature = "fma")]
    fn fused_mul_add(self, a: Self, b: Self) -> Self;

    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// Converts a count (a batch size, an index) to `Self`.
    fn from_usize(n: usize) -> Self;
    /// `eˣ`, computed by this crate's own inlinable [`exp`] (within about
    /// 1 ulp of the standard library's).
    fn exp(self) -> Self;
    /// The natural logarithm `log x` (the seed's `log` \[C2\]), computed by this crate's
    /// own inlinable [`ln`] (within about 1 ulp of the standard library's).
    fn ln(self) -> Self;
    /// `ln(1 + x)`, accurate for small `x` (see [`ln`]).
    fn ln_1p(self) -> Self;
    /// `ln(1 + x)` for `+0 ≤ x ≤ 1` only: bit for bit the value of
    /// [`ln_1p`](Scalar::ln_1p) there, with about half the instructions, since no special
    /// case can occur and none is checked. NaN stays NaN; for `x` outside `[+0, 1]` the
    /// result is unspecified. The cost of a sigmoid output needs exactly this:
    /// `ln(1 + e^(−|z|))` \[C2\]. (The default is `ln_1p` itself.)
    fn ln_1p_unit(self) -> Self {
        self.ln_1p()
    }
    /// The square root.
    fn sqrt(self) -> Self;
    /// The hyperbolic tangent.
    fn tanh(self) -> Self;
    /// The absolute value.
    fn abs(self) -> Self;
    /// The larger of two values; if one is NaN, the other.
    fn max(self, other: Self) -> Self;
    /// The smaller of two values; if one is NaN, the other.
    fn min(self, other: Self) -> Self;
    /// `self` raised to an integer power.
    fn powi(self, n: i32) -> Self;
    /// `true` unless the value is infinite or NaN.
    fn is_finite(self) -> bool;
    /// `true` if the value is NaN.
    fn is_nan(self) -> bool;
    /// The raw bits, widened to `u64`, for bit-exact comparisons and file round trips.
    fn to_bits_u64(self) -> u64;
}

// The one macro of this file: the f32 and f64 impls differ only in the type's name
// and which hand-written functions they use (`exp`, `ln`, `ln_1p` always; `sqrt`,
// `tanh` and `powi` when there is no standard library to call, see `scalar::math`).
macro_rules! impl_scalar {
    ($t:ident, $exp:path, $ln:path, $ln_1p:path, $ln_1p_unit:path,
     $sqrt:path, $tanh:path, $powi:path) => {
        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const TWO: Self = 2.0;
            const HALF: Self = 0.5;
            const EPSILON: Self = $t::EPSILON;
            const MAX: Self = $t::MAX;
            const MIN: Self = $t::MIN;
            const NAME: &'static str = stringify!($t);

            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[cfg(feature = "fma")]
            #[inline(always)]
            fn fused_mul_add(self, a: Self, b: Self) -> Self {
                $t::mul_add(self, a, b)
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_usize(n: usize) -> Self {
                n as $t
            }
            #[inline(always)]
            fn exp(self) -> Self {
                $exp(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                $ln(self)
            }
            #[inline(always)]
            fn ln_1p(self) -> Self {
                $ln_1p(self)
            }
            #[inline(always)]
            fn ln_1p_unit(self) -> Self {
                $ln_1p_unit(self)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                #[cfg(feature = "std")]
                return $t::sqrt(self);
                #[cfg(not(feature = "std"))]
                return $sqrt(self);
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                #[cfg(feature = "std")]
                return $t::tanh(self);
                #[cfg(not(feature = "std"))]
                return $tanh(self);
            }
            #[inline(always)]
            fn abs(self) -> Self {
                $t::abs(self)
            }
            #[inline(always)]
            fn max(self, other: Self) -> Self {
                $t::max(self, other)
            }
            #[inline(always)]
            fn min(self, other: Self) -> Self {
                $t::min(self, other)
            }
            #[inline(always)]
            fn powi(self, n: i32) -> Self {
                #[cfg(feature = "std")]
                return $t::powi(self, n);
                #[cfg(not(feature = "std"))]
                return $powi(self, n);
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                $t::is_finite(self)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            #[inline(always)]
            fn to_bits_u64(self) -> u64 {
                self.to_bits() as u64
            }
        }
    };
}

impl_scalar!(
    f32,
    exp::exp_f32,
    ln::ln_f32,
    ln::ln_1p_f32,
    ln::ln_1p_unit_f32,
    math::sqrt_f32,
    math::tanh_f32,
    math::powi_f32
);
impl_scalar!(
    f64,
    exp::exp_f64,
    ln::ln_f64,
    ln::ln_1p_f64,
    ln::ln_1p_unit_f64,
    math::sqrt_f64,
    math::tanh_f64,
    math::powi_f64
);

/// The Euclidean norm `√(Σ vₖ²)` of the values that `values()` walks, without overflow or
/// underflow: computed as `s · √(Σ (vₖ / s)²)` with `s = maxₖ |vₖ|`, so it is finite
/// whenever every value is. NaN if any value is NaN, `∞` if any is infinite, `0` for no
/// values. `values` is called twice (once for `s`, once for the sum).
pub(crate) fn euclidean_norm<'a, T, I>(values: impl Fn() -> I) -> T
where
    T: Scalar + 'a,
    I: Iterator<Item = &'a T>,
{
    let mut scale = T::ZERO;
    for v in values() {
        let a = v.abs();
        if a.is_nan() {
            return a;
        }
        scale = scale.max(a);
    }
    if scale == T::ZERO || !scale.is_finite() {
        return scale;
    }
    let mut sum = T::ZERO;
    for v in values() {
        let r = *v / scale;
        sum += r * r;
    }
    scale * sum.sqrt()
}
