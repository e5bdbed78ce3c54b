//! A small seeded pseudo-random number generator, written by hand: [`Rng`].
//!
//! The generator is **xoshiro256\*\*** (D. Blackman and S. Vigna, "Scrambled Linear
//! Pseudorandom Number Generators", ACM Transactions on Mathematical Software 47(4), 2021;
//! reference C code at <https://prng.di.unimi.it/xoshiro256starstar.c>), a 256-bit state
//! with period `2²⁵⁶ − 1`. Its state is filled from a 64-bit seed by **SplitMix64**
//! ([`SplitMix64`]; G. L. Steele, D. Lea and C. H. Flood, "Fast Splittable Pseudorandom
//! Number Generators", OOPSLA 2014; reference C code at
//! <https://prng.di.unimi.it/splitmix64.c>), as Vigna recommends.
//!
//! Everything is integer arithmetic on `u64` with wrapping operations, so **the same seed
//! gives the same sequence on every platform**: [`Rng::next_u64`], [`Rng::uniform_f64`],
//! [`Rng::uniform`], [`Rng::below`] and [`Rng::shuffle`] are bit-identical everywhere.
//! [`Rng::normal`] draws the same uniforms everywhere too, but its last step calls the
//! platform's `ln`, which IEEE 754 does not require to be correctly rounded; on a
//! platform whose `ln` differs, normal samples may differ in the last bit.
//!
//! ```
//! use backprop::rng::Rng;
//!
//! let mut a = Rng::new(42);
//! let mut b = Rng::new(42);
//! assert_eq!(a.next_u64(), b.next_u64());
//!
//! let x: f64 = a.uniform(-1.0, 1.0);
//! assert!((-1.0..1.0).contains(&x));
//!
//! let mut order = [0, 1, 2, 3, 4];
//! a.shuffle(&mut order);
//! ```
//!
//! Not for cryptography: the state can be recovered from a few outputs.

use crate::error::{Error, Result};
use crate::scalar::Scalar;

/// The SplitMix64 generator: a Weyl sequence (`state += 0x9E3779B97F4A7C15`) passed
/// through a 64-bit mixing function; used to expand a seed into [`Rng`]'s state.
///
/// ```text
/// state ← state + 0x9E3779B97F4A7C15
/// z ← (state ⊕ (state ≫ 30)) · 0xBF58476D1CE4E5B9
/// z ← (z ⊕ (z ≫ 27)) · 0x94D049BB133111EB
/// output z ⊕ (z ≫ 31)                               (all arithmetic mod 2⁶⁴)
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A SplitMix64 generator whose state starts at `seed`.
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A seeded xoshiro256\*\* generator with the sampling methods the crate needs: uniform
/// numbers, unbiased integers below a bound, standard normals, shuffles.
///
/// Two generators built with the same seed produce the same sequence of calls' results.
#[derive(Debug, Clone, PartialEq)]
pub struct Rng {
    s: [u64; 4],
    /// The second value of the last Marsaglia polar pair, not yet returned.
    spare_normal: Option<f64>,
}

/// `2⁻⁵³`: the gap between consecutive values of [`Rng::uniform_f64`].
const TWO_POW_MINUS_53: f64 = 1.0 / (1u64 << 53) as f64;

impl Rng {
    /// A generator whose state is the first four outputs of [`SplitMix64::new(seed)`](SplitMix64::new).
    ///
    /// Every seed, including `0`, gives a usable state: SplitMix64's output function is a
    /// bijection of its state and the four states it passes through are distinct, so at
    /// most one of the four words is zero, never all four.
    pub fn new(seed: u64) -> Self {
        let mut sm = SplitMix64::new(seed);
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        Rng {
            s,
            spare_normal: None,
        }
    }

    /// A generator with the given raw xoshiro256\*\* state, as in the reference C code.
    ///
    /// # Errors
    /// [`Error::Invalid`] if all four words are zero: that state maps to itself, and the
    /// generator would output zeros forever.
    pub fn from_state(state: [u64; 4]) -> Result<Self> {
        if state == [0; 4] {
            return Err(Error::invalid(
                "the xoshiro256** state must not be all zeros (the generator would output only zeros)",
            ));
        }
        Ok(Rng {
            s: state,
            spare_normal: None,
        })
    }

    /// The next 64 pseudo-random bits (one step of xoshiro256\*\*).
    ///
    /// ```text
    /// output rotl(s₁ · 5, 7) · 9
    /// t ← s₁ ≪ 17
    /// s₂ ⊕= s₀;  s₃ ⊕= s₁;  s₁ ⊕= s₂;  s₀ ⊕= s₃;  s₂ ⊕= t;  s₃ ← rotl(s₃, 45)
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform number in `[0, 1)`: the top 53 bits of [`next_u64`](Self::next_u64)
    /// times `2⁻⁵³`, so every multiple of `2⁻⁵³` in `[0, 1)` is equally likely.
    pub fn uniform_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * TWO_POW_MINUS_53
    }

    /// A uniform number in `[lo, hi)`, computed as `lo + (hi − lo)·u` in `f64` with
    /// `u` from [`uniform_f64`](Self::uniform_f64), then rounded to `T`.
    ///
    /// When `lo < hi` the result is never `hi`: in the rare case that rounding (to `f32`,
    /// or of a large `lo`) lands on `hi`, a new `u` is drawn. When `hi ≤ lo` the formula is
    /// applied as it stands (so `uniform(c, c)` is `c`), and non-finite bounds give
    /// non-finite results; neither case panics or loops.
    pub fn uniform<T: Scalar>(&mut self, lo: T, hi: T) -> T {
        let (lo64, hi64) = (lo.to_f64(), hi.to_f64());
        let nonempty = lo < hi;
        loop {
            let x = T::from_f64(lo64 + (hi64 - lo64) * self.uniform_f64());
            if !nonempty || x < hi {
                return x;
            }
        }
    }

    /// A uniform integer in `0..n`, without modulo bias.
    ///
    /// This is D. Lemire's multiply-and-reject method ("Fast Random Integer Generation in
    /// an Interval", ACM Transactions on Modeling and Computer Simulation 29(1), 2019):
    /// the high word of the 128-bit product `x · n` is the result, and the rare `x` whose
    /// low word falls below `2⁶⁴ mod n` are rejected, which makes every result equally
    /// likely.
    ///
    /// There is no integer below `0`; rather than panic, `below(0)` returns `0` without
    /// drawing, so a caller indexing an empty slice must check for emptiness itself.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let n = n as u64;
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            // 2⁶⁴ mod n, computed in 64 bits as (2⁶⁴ − n) mod n.
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        // The high word is < n, which came from a usize, so the cast is lossless.
        (m >> 64) as usize
    }

    /// A standard normal sample (mean 0, variance 1), by the Marsaglia polar method.
    ///
    /// ```text
    /// repeat: u, v uniform in [−1, 1);  s = u² + v²   until 0 < s < 1
    /// f = √(−2 ln s / s);  return u·f now and v·f on the next call
    /// ```
    ///
    /// (G. Marsaglia and T. A. Bray, "A Convenient Method for Generating Normal
    /// Variables", SIAM Review 6(3), 1964.) Computed in `f64` and rounded to `T`.
    pub fn normal<T: Scalar>(&mut self) -> T {
        if let Some(v) = self.spare_normal.take() {
            return T::from_f64(v);
        }
        loop {
            let u = 2.0 * self.uniform_f64() - 1.0;
            let v = 2.0 * self.uniform_f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * s.ln() / s).sqrt();
                self.spare_normal = Some(v * f);
                return T::from_f64(u * f);
            }
        }
    }

    /// Shuffles `items` in place by the Fisher–Yates algorithm (Durstenfeld's version):
    /// every one of the `n!` orders is equally likely.
    ///
    /// ```text
    /// for i = n − 1 down to 1:  j = below(i + 1);  swap items[i], items[j]
    /// ```
    pub fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// A uniformly random permutation of `0..n`: [`shuffle`](Self::shuffle) applied to
    /// `[0, 1, …, n − 1]`.
    #[cfg(feature = "std")]
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }

    /// Fills `out` with [`uniform(lo, hi)`](Self::uniform) samples, in order.
    pub fn fill_uniform<T: Scalar>(&mut self, out: &mut [T], lo: T, hi: T) {
        for x in out {
            *x = self.uniform(lo, hi);
        }
    }

    /// Fills `out` with normal samples of the given mean and standard deviation:
    /// `mean + std · z` with `z` from [`normal`](Self::normal), in order.
    pub fn fill_normal<T: Scalar>(&mut self, out: &mut [T], mean: T, std: T) {
        let (mean, std) = (mean.to_f64(), std.to_f64());
        for x in out {
            *x = T::from_f64(mean + std * self.normal::<f64>());
        }
    }
}
