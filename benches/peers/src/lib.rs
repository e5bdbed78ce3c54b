//! Peer implementations of the seed network's training step.
//!
//! The seed network (backprop tutorial, column convention, ReLU'(0) = 0):
//!
//! ```text
//! z1 = W1 x  + b1 (4)   a1 = ReLU(z1)      W1: 4x3
//! z2 = W2 a1 + b2 (2)   a2 = ReLU(z2)      W2: 2x4
//! z3 = W3 a2 + b3 (1)   a3 = sigmoid(z3)   W3: 1x2, b3 scalar
//! L  = -(y ln a3 + (1-y) ln(1-a3))
//! dz3 = a3 - y; dW3 = dz3 a2^T; db3 = dz3
//! dz2 = (W3^T dz3) * relu'(z2); dW2 = dz2 a1^T; db2 = dz2
//! dz1 = (W2^T dz2) * relu'(z1); dW1 = dz1 x^T;  db1 = dz1
//! W -= lr dW; b -= lr db
//! ```
//!
//! Mini-batch: X is 3 x m (examples as columns), dZ is (n, m),
//! dW = (1/m) dZ A_prev^T, db = (1/m) row sums of dZ, cost J = mean of L.
//!
//! Every `step` computes forward, loss, backward and the SGD update, mutates the
//! network in place, and returns the loss (per-example) or the cost (mini-batch).
//!
//! Three peers, each written as a competent user of that tool would write it:
//! * [`nalg`]   : nalgebra `SMatrix<f32, R, C>` (fixed sizes, stack allocated)
//! * [`nd`]     : ndarray `Array2<f32>` everywhere (column vectors are (n, 1))
//! * [`arrays`] : plain `[[f32; C]; R]` with textbook triple loops (what rustc gives for naive code)
//!
//! plus one extra: [`nd_vec`], ndarray with `Array2` weights and `Array1` vectors
//! (avoids ndarray's gemm path for the matrix-vector products),
//!
//! and the crate under test: [`ours`], `backprop` (a path dependency, `../..`), its
//! `SeedNetwork` stepped by `network::cost_and_gradients` (or `network::gradients`,
//! without the cost, as its trainer runs) and `Sgd`.

/// Learning rate used by tests and benches.
pub const LR: f32 = 0.01;

#[inline]
pub fn relu(v: f32) -> f32 {
    if v > 0.0 {
        v
    } else {
        0.0
    }
}

/// ReLU'(z): 1 for z > 0, 0 otherwise (ReLU'(0) = 0, the seed's convention).
#[inline]
pub fn relu_prime(v: f32) -> f32 {
    if v > 0.0 {
        1.0
    } else {
        0.0
    }
}

#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Binary cross-entropy, written literally as in the seed: -(y ln a + (1-y) ln(1-a)).
#[inline]
pub fn bce(a: f32, y: f32) -> f32 {
    -(y * a.ln() + (1.0 - y) * (1.0 - a).ln())
}

/// Tiny deterministic PRNG (xorshift64*) so the harness needs no `rand`.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [-1, 1).
    pub fn f32(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
    pub fn array<const R: usize, const C: usize>(&mut self) -> [[f32; C]; R] {
        let mut a = [[0.0; C]; R];
        for row in a.iter_mut() {
            for v in row.iter_mut() {
                *v = self.f32();
            }
        }
        a
    }
}

/// Canonical parameters (row-major plain data) used to initialise every peer identically.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub w1: [[f32; 3]; 4],
    pub b1: [f32; 4],
    pub w2: [[f32; 4]; 2],
    pub b2: [f32; 2],
    pub w3: [[f32; 2]; 1],
    pub b3: f32,
}

impl Params {
    pub fn random(rng: &mut Rng) -> Self {
        let b1: [[f32; 4]; 1] = rng.array();
        let b2: [[f32; 2]; 1] = rng.array();
        Params {
            w1: rng.array(),
            b1: b1[0],
            w2: rng.array(),
            b2: b2[0],
            w3: rng.array(),
            b3: rng.f32(),
        }
    }

    /// Largest absolute difference between two parameter sets.
    pub fn max_abs_diff(&self, o: &Params) -> f32 {
        let a = self.flat();
        let b = o.flat();
        a.iter().zip(b.iter()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
    }

    /// All 29 parameters, W row by row, in the order W1 b1 W2 b2 W3 b3.
    pub fn flat(&self) -> Vec<f32> {
        let mut v = Vec::with_capacity(29);
        self.w1.iter().for_each(|r| v.extend_from_slice(r));
        v.extend_from_slice(&self.b1);
        self.w2.iter().for_each(|r| v.extend_from_slice(r));
        v.extend_from_slice(&self.b2);
        self.w3.iter().for_each(|r| v.extend_from_slice(r));
        v.push(self.b3);
        v
    }

    pub fn is_finite(&self) -> bool {
        self.flat().iter().all(|v| v.is_finite())
    }
}

// ---------------------------------------------------------------------------
// (a) nalgebra, fixed sizes
// ---------------------------------------------------------------------------
pub mod nalg {
    use super::*;
    use nalgebra::{SMatrix, SVector, Vector3};

    #[derive(Clone, Debug)]
    pub struct Net {
        pub w1: SMatrix<f32, 4, 3>,
        pub b1: SVector<f32, 4>,
        pub w2: SMatrix<f32, 2, 4>,
        pub b2: SVector<f32, 2>,
        pub w3: SMatrix<f32, 1, 2>,
        pub b3: f32,
    }

    impl Net {
        pub fn from_params(p: &Params) -> Self {
            Net {
                w1: SMatrix::from_fn(|i, j| p.w1[i][j]),
                b1: SVector::from_fn(|i, _| p.b1[i]),
                w2: SMatrix::from_fn(|i, j| p.w2[i][j]),
                b2: SVector::from_fn(|i, _| p.b2[i]),
                w3: SMatrix::from_fn(|i, j| p.w3[i][j]),
                b3: p.b3,
            }
        }

        pub fn to_params(&self) -> Params {
            Params {
                w1: std::array::from_fn(|i| std::array::from_fn(|j| self.w1[(i, j)])),
                b1: std::array::from_fn(|i| self.b1[i]),
                w2: std::array::from_fn(|i| std::array::from_fn(|j| self.w2[(i, j)])),
                b2: std::array::from_fn(|i| self.b2[i]),
                w3: std::array::from_fn(|i| std::array::from_fn(|j| self.w3[(i, j)])),
                b3: self.b3,
            }
        }

        /// One per-example SGD step; returns the loss before the update.
        #[inline(never)]
        pub fn step(&mut self, x: &Vector3<f32>, y: f32, lr: f32) -> f32 {
            self.step_with(x, y, lr, sigmoid)
        }

        /// [`Net::step`] with `backprop::activation::sigmoid` for `σ`: separates what the
        /// storage order costs from what the exponential costs.
        #[inline(never)]
        pub fn step_backprop_sigmoid(&mut self, x: &Vector3<f32>, y: f32, lr: f32) -> f32 {
            self.step_with(x, y, lr, backprop::activation::sigmoid)
        }

        /// One per-example SGD step with `sigma` for `σ`.
        #[inline(always)]
        fn step_with(&mut self, x: &Vector3<f32>, y: f32, lr: f32, sigmoid: impl Fn(f32) -> f32) -> f32 {
            // forward
            let z1 = self.w1 * x + self.b1;
            let a1 = z1.map(relu);
            let z2 = self.w2 * a1 + self.b2;
            let a2 = z2.map(relu);
            let z3 = (self.w3 * a2)[0] + self.b3;
            let a3 = sigmoid(z3);
            let loss = bce(a3, y);
            // backward
            let dz3 = a3 - y;
            let dw3 = a2.transpose() * dz3;
            let db3 = dz3;
            let dz2 = (self.w3.transpose() * dz3).component_mul(&z2.map(relu_prime));
            let dw2 = dz2 * a1.transpose();
            let db2 = dz2;
            let dz1 = (self.w2.transpose() * dz2).component_mul(&z1.map(relu_prime));
            let dw1 = dz1 * x.transpose();
            let db1 = dz1;
            // update
            self.w1 -= lr * dw1;
            self.b1 -= lr * db1;
            self.w2 -= lr * dw2;
            self.b2 -= lr * db2;
            self.w3 -= lr * dw3;
            self.b3 -= lr * db3;
            loss
        }

        /// One mini-batch gradient step on X (3 x M), Y (1 x M); returns the cost J.
        #[inline(never)]
        pub fn step_batch<const M: usize>(
            &mut self,
            x: &SMatrix<f32, 3, M>,
            y: &SMatrix<f32, 1, M>,
            lr: f32,
        ) -> f32 {
            let m = M as f32;
            // forward (bias broadcast over the columns)
            let mut z1 = self.w1 * x;
            for mut col in z1.column_iter_mut() {
                col += &self.b1;
            }
            let a1 = z1.map(relu);
            let mut z2 = self.w2 * a1;
            for mut col in z2.column_iter_mut() {
                col += &self.b2;
            }
            let a2 = z2.map(relu);
            let mut z3 = self.w3 * a2;
            z3.add_scalar_mut(self.b3);
            let a3 = z3.map(sigmoid);
            let cost = a3.zip_map(y, bce).sum() / m;
            // backward
            let dz3 = a3 - y;
            let dw3 = dz3 * a2.transpose() / m;
            let db3 = dz3.sum() / m;
            let dz2 = (self.w3.transpose() * dz3).component_mul(&z2.map(relu_prime));
            let dw2 = dz2 * a1.transpose() / m;
            let db2 = dz2.column_sum() / m;
            let dz1 = (self.w2.transpose() * dz2).component_mul(&z1.map(relu_prime));
            let dw1 = dz1 * x.transpose() / m;
            let db1 = dz1.column_sum() / m;
            // update
            self.w1 -= lr * dw1;
            self.b1 -= lr * db1;
            self.w2 -= lr * dw2;
            self.b2 -= lr * db2;
            self.w3 -= lr * dw3;
            self.b3 -= lr * db3;
            cost
        }
    }
}

// ---------------------------------------------------------------------------
// (b) ndarray, Array2 everywhere (vectors are (n, 1) columns)
// ---------------------------------------------------------------------------
pub mod nd {
    use super::*;
    use ndarray::{Array2, Axis, Zip};

    #[derive(Clone, Debug)]
    pub struct Net {
        pub w1: Array2<f32>,
        pub b1: Array2<f32>,
        pub w2: Array2<f32>,
        pub b2: Array2<f32>,
        pub w3: Array2<f32>,
        pub b3: f32,
    }

    /// Row-major nested array -> Array2.
    pub fn a2<const R: usize, const C: usize>(a: &[[f32; C]; R]) -> Array2<f32> {
        Array2::from_shape_fn((R, C), |(i, j)| a[i][j])
    }

    /// Slice -> (n, 1) column.
    pub fn col(v: &[f32]) -> Array2<f32> {
        Array2::from_shape_fn((v.len(), 1), |(i, _)| v[i])
    }

    impl Net {
        pub fn from_params(p: &Params) -> Self {
            Net {
                w1: a2(&p.w1),
                b1: col(&p.b1),
                w2: a2(&p.w2),
                b2: col(&p.b2),
                w3: a2(&p.w3),
                b3: p.b3,
            }
        }

        pub fn to_params(&self) -> Params {
            Params {
                w1: std::array::from_fn(|i| std::array::from_fn(|j| self.w1[[i, j]])),
                b1: std::array::from_fn(|i| self.b1[[i, 0]]),
                w2: std::array::from_fn(|i| std::array::from_fn(|j| self.w2[[i, j]])),
                b2: std::array::from_fn(|i| self.b2[[i, 0]]),
                w3: std::array::from_fn(|i| std::array::from_fn(|j| self.w3[[i, j]])),
                b3: self.b3,
            }
        }

        /// One per-example SGD step; x is (3, 1). Returns the loss before the update.
        #[inline(never)]
        pub fn step(&mut self, x: &Array2<f32>, y: f32, lr: f32) -> f32 {
            // forward
            let z1 = self.w1.dot(x) + &self.b1;
            let a1 = z1.mapv(relu);
            let z2 = self.w2.dot(&a1) + &self.b2;
            let a2 = z2.mapv(relu);
            let z3 = self.w3.dot(&a2)[[0, 0]] + self.b3;
            let a3 = sigmoid(z3);
            let loss = bce(a3, y);
            // backward
            let dz3 = a3 - y;
            let dw3 = a2.t().mapv(|v| v * dz3);
            let db3 = dz3;
            let dz2 = self.w3.t().mapv(|v| v * dz3) * z2.mapv(relu_prime);
            let dw2 = dz2.dot(&a1.t());
            let dz1 = self.w2.t().dot(&dz2) * z1.mapv(relu_prime);
            let dw1 = dz1.dot(&x.t());
            // update
            self.w1.scaled_add(-lr, &dw1);
            self.b1.scaled_add(-lr, &dz1);
            self.w2.scaled_add(-lr, &dw2);
            self.b2.scaled_add(-lr, &dz2);
            self.w3.scaled_add(-lr, &dw3);
            self.b3 -= lr * db3;
            loss
        }

        /// One mini-batch gradient step on X (3, m), Y (1, m); returns the cost J.
        #[inline(never)]
        pub fn step_batch(&mut self, x: &Array2<f32>, y: &Array2<f32>, lr: f32) -> f32 {
            let m = x.ncols() as f32;
            // forward ((n, m) + (n, 1) broadcasts)
            let z1 = self.w1.dot(x) + &self.b1;
            let a1 = z1.mapv(relu);
            let z2 = self.w2.dot(&a1) + &self.b2;
            let a2 = z2.mapv(relu);
            let z3 = self.w3.dot(&a2) + self.b3;
            let a3 = z3.mapv(sigmoid);
            let cost = Zip::from(&a3).and(y).fold(0.0, |acc, &a, &yy| acc + bce(a, yy)) / m;
            // backward
            let dz3 = &a3 - y;
            let dw3 = dz3.dot(&a2.t()) / m;
            let db3 = dz3.sum() / m;
            let dz2 = self.w3.t().dot(&dz3) * z2.mapv(relu_prime);
            let dw2 = dz2.dot(&a1.t()) / m;
            let db2 = dz2.sum_axis(Axis(1)).insert_axis(Axis(1)) / m;
            let dz1 = self.w2.t().dot(&dz2) * z1.mapv(relu_prime);
            let dw1 = dz1.dot(&x.t()) / m;
            let db1 = dz1.sum_axis(Axis(1)).insert_axis(Axis(1)) / m;
            // update
            self.w1.scaled_add(-lr, &dw1);
            self.b1.scaled_add(-lr, &db1);
            self.w2.scaled_add(-lr, &dw2);
            self.b2.scaled_add(-lr, &db2);
            self.w3.scaled_add(-lr, &dw3);
            self.b3 -= lr * db3;
            cost
        }
    }
}

// ---------------------------------------------------------------------------
// (b') ndarray with Array1 vectors (extra variant)
// ---------------------------------------------------------------------------
pub mod nd_vec {
    use super::*;
    use ndarray::{Array1, Array2};

    #[derive(Clone, Debug)]
    pub struct Net {
        pub w1: Array2<f32>,
        pub b1: Array1<f32>,
        pub w2: Array2<f32>,
        pub b2: Array1<f32>,
        pub w3: Array2<f32>,
        pub b3: f32,
    }

    fn outer(u: &Array1<f32>, v: &Array1<f32>) -> Array2<f32> {
        Array2::from_shape_fn((u.len(), v.len()), |(i, j)| u[i] * v[j])
    }

    impl Net {
        pub fn from_params(p: &Params) -> Self {
            Net {
                w1: nd::a2(&p.w1),
                b1: Array1::from(p.b1.to_vec()),
                w2: nd::a2(&p.w2),
                b2: Array1::from(p.b2.to_vec()),
                w3: nd::a2(&p.w3),
                b3: p.b3,
            }
        }

        pub fn to_params(&self) -> Params {
            Params {
                w1: std::array::from_fn(|i| std::array::from_fn(|j| self.w1[[i, j]])),
                b1: std::array::from_fn(|i| self.b1[i]),
                w2: std::array::from_fn(|i| std::array::from_fn(|j| self.w2[[i, j]])),
                b2: std::array::from_fn(|i| self.b2[i]),
                w3: std::array::from_fn(|i| std::array::from_fn(|j| self.w3[[i, j]])),
                b3: self.b3,
            }
        }

        /// One per-example SGD step; x has length 3. Returns the loss before the update.
        #[inline(never)]
        pub fn step(&mut self, x: &Array1<f32>, y: f32, lr: f32) -> f32 {
            let z1 = self.w1.dot(x) + &self.b1;
            let a1 = z1.mapv(relu);
            let z2 = self.w2.dot(&a1) + &self.b2;
            let a2 = z2.mapv(relu);
            let z3 = self.w3.dot(&a2)[0] + self.b3;
            let a3 = sigmoid(z3);
            let loss = bce(a3, y);
            let dz3 = a3 - y;
            let dw3 = a2.mapv(|v| v * dz3).insert_axis(ndarray::Axis(0));
            let db3 = dz3;
            let dz2 = self.w3.row(0).mapv(|v| v * dz3) * z2.mapv(relu_prime);
            let dw2 = outer(&dz2, &a1);
            let dz1 = self.w2.t().dot(&dz2) * z1.mapv(relu_prime);
            let dw1 = outer(&dz1, x);
            self.w1.scaled_add(-lr, &dw1);
            self.b1.scaled_add(-lr, &dz1);
            self.w2.scaled_add(-lr, &dw2);
            self.b2.scaled_add(-lr, &dz2);
            self.w3.scaled_add(-lr, &dw3);
            self.b3 -= lr * db3;
            loss
        }
    }
}

// ---------------------------------------------------------------------------
// (c) plain arrays `[[f32; C]; R]`, textbook loops
// ---------------------------------------------------------------------------
pub mod arrays {
    use super::*;

    /// Textbook i-j-k product (dot-product inner loop).
    pub fn matmul<const R: usize, const K: usize, const C: usize>(
        a: &[[f32; K]; R],
        b: &[[f32; C]; K],
    ) -> [[f32; C]; R] {
        let mut out = [[0.0; C]; R];
        for i in 0..R {
            for j in 0..C {
                let mut s = 0.0;
                for k in 0..K {
                    s += a[i][k] * b[k][j];
                }
                out[i][j] = s;
            }
        }
        out
    }

    /// Same product, i-k-j loop order (the inner loop runs along a row of b and out).
    pub fn matmul_ikj<const R: usize, const K: usize, const C: usize>(
        a: &[[f32; K]; R],
        b: &[[f32; C]; K],
    ) -> [[f32; C]; R] {
        let mut out = [[0.0; C]; R];
        for i in 0..R {
            for k in 0..K {
                let aik = a[i][k];
                for j in 0..C {
                    out[i][j] += aik * b[k][j];
                }
            }
        }
        out
    }

    pub fn transpose<const R: usize, const C: usize>(a: &[[f32; C]; R]) -> [[f32; R]; C] {
        let mut out = [[0.0; R]; C];
        for i in 0..R {
            for j in 0..C {
                out[j][i] = a[i][j];
            }
        }
        out
    }

    pub fn add<const R: usize, const C: usize>(a: &[[f32; C]; R], b: &[[f32; C]; R]) -> [[f32; C]; R] {
        let mut out = *a;
        for i in 0..R {
            for j in 0..C {
                out[i][j] += b[i][j];
            }
        }
        out
    }

    pub fn sub<const R: usize, const C: usize>(a: &[[f32; C]; R], b: &[[f32; C]; R]) -> [[f32; C]; R] {
        let mut out = *a;
        for i in 0..R {
            for j in 0..C {
                out[i][j] -= b[i][j];
            }
        }
        out
    }

    /// a + b broadcast over the columns (b is a column).
    pub fn add_col<const R: usize, const C: usize>(a: &[[f32; C]; R], b: &[[f32; 1]; R]) -> [[f32; C]; R] {
        let mut out = *a;
        for i in 0..R {
            for j in 0..C {
                out[i][j] += b[i][0];
            }
        }
        out
    }

    pub fn hadamard<const R: usize, const C: usize>(a: &[[f32; C]; R], b: &[[f32; C]; R]) -> [[f32; C]; R] {
        let mut out = *a;
        for i in 0..R {
            for j in 0..C {
                out[i][j] *= b[i][j];
            }
        }
        out
    }

    pub fn map<const R: usize, const C: usize>(a: &[[f32; C]; R], f: impl Fn(f32) -> f32) -> [[f32; C]; R] {
        let mut out = *a;
        for row in out.iter_mut() {
            for v in row.iter_mut() {
                *v = f(*v);
            }
        }
        out
    }

    /// Row sums divided by m: the mini-batch db.
    pub fn row_mean<const R: usize, const C: usize>(a: &[[f32; C]; R]) -> [[f32; 1]; R] {
        let mut out = [[0.0; 1]; R];
        for i in 0..R {
            let mut s = 0.0;
            for j in 0..C {
                s += a[i][j];
            }
            out[i][0] = s / C as f32;
        }
        out
    }

    pub fn div_scalar<const R: usize, const C: usize>(a: &[[f32; C]; R], s: f32) -> [[f32; C]; R] {
        map(a, |v| v / s)
    }

    /// w -= lr * dw
    pub fn sgd<const R: usize, const C: usize>(w: &mut [[f32; C]; R], dw: &[[f32; C]; R], lr: f32) {
        for i in 0..R {
            for j in 0..C {
                w[i][j] -= lr * dw[i][j];
            }
        }
    }

    #[derive(Clone, Copy, Debug)]
    pub struct Net {
        pub w1: [[f32; 3]; 4],
        pub b1: [[f32; 1]; 4],
        pub w2: [[f32; 4]; 2],
        pub b2: [[f32; 1]; 2],
        pub w3: [[f32; 2]; 1],
        pub b3: f32,
    }

    impl Net {
        pub fn from_params(p: &Params) -> Self {
            Net {
                w1: p.w1,
                b1: p.b1.map(|v| [v]),
                w2: p.w2,
                b2: p.b2.map(|v| [v]),
                w3: p.w3,
                b3: p.b3,
            }
        }

        pub fn to_params(&self) -> Params {
            Params {
                w1: self.w1,
                b1: self.b1.map(|v| v[0]),
                w2: self.w2,
                b2: self.b2.map(|v| v[0]),
                w3: self.w3,
                b3: self.b3,
            }
        }

        /// One per-example SGD step; x is a (3, 1) column. Returns the loss before the update.
        #[inline(never)]
        pub fn step(&mut self, x: &[[f32; 1]; 3], y: f32, lr: f32) -> f32 {
            self.step_with(x, y, lr, sigmoid)
        }

        /// [`Net::step`] with `backprop::activation::sigmoid` for `σ`.
        #[inline(never)]
        pub fn step_backprop_sigmoid(&mut self, x: &[[f32; 1]; 3], y: f32, lr: f32) -> f32 {
            self.step_with(x, y, lr, backprop::activation::sigmoid)
        }

        /// One per-example SGD step with `sigma` for `σ`.
        #[inline(always)]
        fn step_with(&mut self, x: &[[f32; 1]; 3], y: f32, lr: f32, sigmoid: impl Fn(f32) -> f32) -> f32 {
            // forward
            let z1 = add(&matmul(&self.w1, x), &self.b1);
            let a1 = map(&z1, relu);
            let z2 = add(&matmul(&self.w2, &a1), &self.b2);
            let a2 = map(&z2, relu);
            let z3 = matmul(&self.w3, &a2)[0][0] + self.b3;
            let a3 = sigmoid(z3);
            let loss = bce(a3, y);
            // backward
            let dz3 = [[a3 - y]];
            let dw3 = matmul(&dz3, &transpose(&a2));
            let db3 = dz3[0][0];
            let dz2 = hadamard(&matmul(&transpose(&self.w3), &dz3), &map(&z2, relu_prime));
            let dw2 = matmul(&dz2, &transpose(&a1));
            let db2 = dz2;
            let dz1 = hadamard(&matmul(&transpose(&self.w2), &dz2), &map(&z1, relu_prime));
            let dw1 = matmul(&dz1, &transpose(x));
            let db1 = dz1;
            // update
            sgd(&mut self.w1, &dw1, lr);
            sgd(&mut self.b1, &db1, lr);
            sgd(&mut self.w2, &dw2, lr);
            sgd(&mut self.b2, &db2, lr);
            sgd(&mut self.w3, &dw3, lr);
            self.b3 -= lr * db3;
            loss
        }

        /// One mini-batch gradient step on X (3 x M), Y (1 x M); returns the cost J.
        #[inline(never)]
        pub fn step_batch<const M: usize>(&mut self, x: &[[f32; M]; 3], y: &[[f32; M]; 1], lr: f32) -> f32 {
            let m = M as f32;
            // forward
            let z1 = add_col(&matmul(&self.w1, x), &self.b1);
            let a1 = map(&z1, relu);
            let z2 = add_col(&matmul(&self.w2, &a1), &self.b2);
            let a2 = map(&z2, relu);
            let z3 = add_col(&matmul(&self.w3, &a2), &[[self.b3]]);
            let a3 = map(&z3, sigmoid);
            let mut cost = 0.0;
            for j in 0..M {
                cost += bce(a3[0][j], y[0][j]);
            }
            cost /= m;
            // backward
            let dz3 = sub(&a3, y);
            let dw3 = div_scalar(&matmul(&dz3, &transpose(&a2)), m);
            let db3 = row_mean(&dz3)[0][0];
            let dz2 = hadamard(&matmul(&transpose(&self.w3), &dz3), &map(&z2, relu_prime));
            let dw2 = div_scalar(&matmul(&dz2, &transpose(&a1)), m);
            let db2 = row_mean(&dz2);
            let dz1 = hadamard(&matmul(&transpose(&self.w2), &dz2), &map(&z1, relu_prime));
            let dw1 = div_scalar(&matmul(&dz1, &transpose(x)), m);
            let db1 = row_mean(&dz1);
            // update
            sgd(&mut self.w1, &dw1, lr);
            sgd(&mut self.b1, &db1, lr);
            sgd(&mut self.w2, &dw2, lr);
            sgd(&mut self.b2, &db2, lr);
            sgd(&mut self.w3, &dw3, lr);
            self.b3 -= lr * db3;
            cost
        }
    }
}

/// The matmul kernels the benches call, one per peer, each `#[inline(never)]`.
///
/// Why not inline: when a product is inlined into the benchmark loop, LLVM's choices
/// depend on the surrounding harness code. Seen here with `-C target-cpu=native`:
/// the same `&a * &b` of two `SMatrix<f32, 16, 16>` compiled once to plain FMAs
/// (~75 ns) and, after an unrelated edit to the bench file, to AVX-512
/// gathers/scatters (~180 ns). A non-inlined function is compiled on its own, so its
/// code does not change with the harness; the price is one call (about 1 ns), which
/// matters only for the 4x3 and 4x4 shapes and is paid by every peer alike.
pub mod mm {
    use nalgebra::SMatrix;

    #[inline(never)]
    pub fn nalgebra<const R: usize, const K: usize, const C: usize>(
        a: &SMatrix<f32, R, K>,
        b: &SMatrix<f32, K, C>,
    ) -> SMatrix<f32, R, C> {
        a * b
    }

    #[inline(never)]
    pub fn arrays_ijk<const R: usize, const K: usize, const C: usize>(
        a: &[[f32; K]; R],
        b: &[[f32; C]; K],
    ) -> [[f32; C]; R] {
        super::arrays::matmul(a, b)
    }

    #[inline(never)]
    pub fn arrays_ikj<const R: usize, const K: usize, const C: usize>(
        a: &[[f32; K]; R],
        b: &[[f32; C]; K],
    ) -> [[f32; C]; R] {
        super::arrays::matmul_ikj(a, b)
    }

    #[inline(never)]
    pub fn ndarray(a: &ndarray::Array2<f32>, b: &ndarray::Array2<f32>) -> ndarray::Array2<f32> {
        a.dot(b)
    }

    #[inline(never)]
    pub fn backprop<const R: usize, const K: usize, const C: usize>(
        a: &backprop::Matrix<f32, R, K>,
        b: &backprop::Matrix<f32, K, C>,
    ) -> backprop::Matrix<f32, R, C> {
        a * b
    }

    #[inline(never)]
    pub fn glam(a: &glam::Mat4, b: &glam::Mat4) -> glam::Mat4 {
        *a * *b
    }
}

/// FLOP counts of the seed network's work (multiply, add, divide each count 1;
/// see RESULTS.md for the line-by-line derivation).
pub mod flops {
    /// Per-example SGD step, dense part: forward W x + b (24 + 16 + 4 = 44),
    /// backward (dz3 1, dW3 2, W3^T dz3 2, hadamard 2, dW2 8, W2^T dz2 12,
    /// hadamard 4, dW1 12 = 43), update (29 parameters x 2 = 58).
    /// Excludes the sigmoid/loss scalar work (7 FLOPs + 1 exp + 2 ln) and the
    /// 6 ReLU + 6 ReLU' selects.
    pub const SGD_STEP_DENSE: u64 = 44 + 43 + 58;

    /// Sigmoid (add, divide) and loss (5) arithmetic of one example, without exp/ln.
    pub const SCALAR_EXTRA_PER_EXAMPLE: u64 = 7;

    /// Mini-batch step on m examples, same accounting: forward 44m; backward
    /// dZ3 m, dW3 4m, db3 m, W3^T dZ3 2m + hadamard 2m, dW2 16m, db2 2m,
    /// W2^T dZ2 12m + hadamard 4m, dW1 24m, db1 4m = 72m (this includes the
    /// 1/m scaling of the 29 gradient entries); update 58.
    pub const fn minibatch_dense(m: u64) -> u64 {
        44 * m + 72 * m + 58
    }
}

// ---------------------------------------------------------------------------
// (ours) backprop, the crate under test
// ---------------------------------------------------------------------------
pub mod ours {
    use super::*;
    use backprop::network::{self, SeedLoss, SeedNetwork};
    use backprop::optim::{Optimizer, Sgd};
    use backprop::Matrix;

    #[derive(Clone, Debug)]
    pub struct Net {
        pub net: SeedNetwork<f32>,
        pub grads: SeedNetwork<f32>,
    }

    impl Net {
        pub fn from_params(p: &Params) -> Self {
            let mut net = SeedNetwork::<f32>::default();
            net.0.weights = Matrix::from_rows(p.w1);
            net.0.bias = Matrix::from_column(p.b1);
            net.1.weights = Matrix::from_rows(p.w2);
            net.1.bias = Matrix::from_column(p.b2);
            net.2.weights = Matrix::from_rows(p.w3);
            net.2.bias = Matrix::from_column([p.b3]);
            Net { net, grads: SeedNetwork::default() }
        }

        pub fn to_params(&self) -> Params {
            Params {
                w1: self.net.0.weights.into_array(),
                b1: self.net.0.bias.to_column(),
                w2: self.net.1.weights.into_array(),
                b2: self.net.1.bias.to_column(),
                w3: self.net.2.weights.into_array(),
                b3: self.net.2.bias[(0, 0)],
            }
        }

        /// One per-example SGD step; returns the loss before the update (as the peers do).
        #[inline(never)]
        pub fn step(&mut self, x: &Matrix<f32, 3, 1>, y: f32, lr: f32) -> f32 {
            let y = Matrix::from_column([y]);
            let loss = network::cost_and_gradients(&self.net, &SeedLoss::default(), x, &y, &mut self.grads);
            Sgd::new(lr).unwrap().step(&mut self.net, &self.grads);
            loss
        }

        /// [`Net::step`] with the forward pass's output and caches held by the caller in a
        /// `network::Workspace` across steps, as the crate's trainer holds them.
        #[inline(never)]
        pub fn step_in(
            &mut self,
            workspace: &mut network::Workspace<f32, SeedNetwork<f32>, 1>,
            x: &Matrix<f32, 3, 1>,
            y: f32,
            lr: f32,
        ) -> f32 {
            let y = Matrix::from_column([y]);
            let loss = network::cost_and_gradients_in(workspace, &self.net, &SeedLoss::default(), x, &y, &mut self.grads);
            Sgd::new(lr).unwrap().step(&mut self.net, &self.grads);
            loss
        }

        /// One per-example SGD step without the loss, as the crate's trainer computes it.
        #[inline(never)]
        pub fn step_nocost(&mut self, x: &Matrix<f32, 3, 1>, y: f32, lr: f32) {
            let y = Matrix::from_column([y]);
            network::gradients(&self.net, &SeedLoss::default(), x, &y, &mut self.grads);
            Sgd::new(lr).unwrap().step(&mut self.net, &self.grads);
        }

        #[inline(never)]
        pub fn step_batch<const M: usize>(&mut self, x: &Matrix<f32, 3, M>, y: &Matrix<f32, 1, M>, lr: f32) -> f32 {
            let cost = network::cost_and_gradients(&self.net, &SeedLoss::default(), x, y, &mut self.grads);
            Sgd::new(lr).unwrap().step(&mut self.net, &self.grads);
            cost
        }

        #[inline(never)]
        pub fn step_batch_nocost<const M: usize>(&mut self, x: &Matrix<f32, 3, M>, y: &Matrix<f32, 1, M>, lr: f32) {
            network::gradients(&self.net, &SeedLoss::default(), x, y, &mut self.grads);
            Sgd::new(lr).unwrap().step(&mut self.net, &self.grads);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Straight f64 implementation of the formulas, loops only, for a correctness anchor.
    fn reference_step(p: &Params, x: &[f32; 3], y: f32, lr: f64) -> (f64, [f64; 29]) {
        let w1: Vec<Vec<f64>> = p.w1.iter().map(|r| r.iter().map(|&v| v as f64).collect()).collect();
        let w2: Vec<Vec<f64>> = p.w2.iter().map(|r| r.iter().map(|&v| v as f64).collect()).collect();
        let w3: Vec<f64> = p.w3[0].iter().map(|&v| v as f64).collect();
        let x: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let y = y as f64;
        let z1: Vec<f64> = (0..4).map(|i| (0..3).map(|k| w1[i][k] * x[k]).sum::<f64>() + p.b1[i] as f64).collect();
        let a1: Vec<f64> = z1.iter().map(|&v| v.max(0.0)).collect();
        let z2: Vec<f64> = (0..2).map(|i| (0..4).map(|k| w2[i][k] * a1[k]).sum::<f64>() + p.b2[i] as f64).collect();
        let a2: Vec<f64> = z2.iter().map(|&v| v.max(0.0)).collect();
        let z3 = w3[0] * a2[0] + w3[1] * a2[1] + p.b3 as f64;
        let a3 = 1.0 / (1.0 + (-z3).exp());
        let loss = -(y * a3.ln() + (1.0 - y) * (1.0 - a3).ln());
        let dz3 = a3 - y;
        let dz2: Vec<f64> = (0..2).map(|i| w3[i] * dz3 * if z2[i] > 0.0 { 1.0 } else { 0.0 }).collect();
        let dz1: Vec<f64> = (0..4)
            .map(|i| (0..2).map(|k| w2[k][i] * dz2[k]).sum::<f64>() * if z1[i] > 0.0 { 1.0 } else { 0.0 })
            .collect();
        let mut out = [0.0f64; 29];
        let mut n = 0;
        for i in 0..4 {
            for j in 0..3 {
                out[n] = w1[i][j] - lr * dz1[i] * x[j];
                n += 1;
            }
        }
        for i in 0..4 {
            out[n] = p.b1[i] as f64 - lr * dz1[i];
            n += 1;
        }
        for i in 0..2 {
            for j in 0..4 {
                out[n] = w2[i][j] - lr * dz2[i] * a1[j];
                n += 1;
            }
        }
        for i in 0..2 {
            out[n] = p.b2[i] as f64 - lr * dz2[i];
            n += 1;
        }
        for j in 0..2 {
            out[n] = w3[j] - lr * dz3 * a2[j];
            n += 1;
        }
        out[n] = p.b3 as f64 - lr * dz3;
        (loss, out)
    }

    /// A random network for which no ReLU pre-activation sits within `margin` of 0,
    /// so f32 and f64 take the same ReLU branches.
    fn random_case(rng: &mut Rng) -> (Params, [f32; 3], f32) {
        loop {
            let p = Params::random(rng);
            let x = [rng.f32(), rng.f32(), rng.f32()];
            let y = if rng.f32() > 0.0 { 1.0 } else { 0.0 };
            let z1: Vec<f32> = (0..4).map(|i| (0..3).map(|k| p.w1[i][k] * x[k]).sum::<f32>() + p.b1[i]).collect();
            let a1: Vec<f32> = z1.iter().map(|&v| relu(v)).collect();
            let z2: Vec<f32> = (0..2).map(|i| (0..4).map(|k| p.w2[i][k] * a1[k]).sum::<f32>() + p.b2[i]).collect();
            if z1.iter().chain(z2.iter()).all(|v| v.abs() > 1e-3) {
                return (p, x, y);
            }
        }
    }

    #[test]
    fn per_example_peers_agree_with_each_other_and_f64_reference() {
        let mut rng = Rng::new(7);
        let lr = 0.5; // large, so the update is clearly visible in the comparison
        let mut live_paths = 0;
        for case in 0..500 {
            let (p, x, y) = random_case(&mut rng);
            let (ref_loss, ref_params) = reference_step(&p, &x, y, lr as f64);

            let mut a = arrays::Net::from_params(&p);
            let la = a.step(&[[x[0]], [x[1]], [x[2]]], y, lr);
            let mut n = nalg::Net::from_params(&p);
            let ln = n.step(&nalgebra::Vector3::new(x[0], x[1], x[2]), y, lr);
            let mut d = nd::Net::from_params(&p);
            let ld = d.step(&nd::col(&x), y, lr);
            let mut v = nd_vec::Net::from_params(&p);
            let lv = v.step(&ndarray::Array1::from(x.to_vec()), y, lr);
            let mut o = ours::Net::from_params(&p);
            let lo = o.step(&backprop::Matrix::from_column(x), y, lr);
            let mut o2 = ours::Net::from_params(&p);
            o2.step_nocost(&backprop::Matrix::from_column(x), y, lr);
            // A workspace that has already run a step on other data, as in a loop.
            let mut o3 = ours::Net::from_params(&p);
            let mut workspace = backprop::network::Workspace::default();
            let _ = ours::Net::from_params(&p).step_in(&mut workspace, &backprop::Matrix::from_column([1.0, -2.0, 3.0]), 1.0 - y, lr);
            let lw = o3.step_in(&mut workspace, &backprop::Matrix::from_column(x), y, lr);
            let mut an = arrays::Net::from_params(&p);
            let lan = an.step_backprop_sigmoid(&[[x[0]], [x[1]], [x[2]]], y, lr);
            let mut nn = nalg::Net::from_params(&p);
            let lnn = nn.step_backprop_sigmoid(&nalgebra::Vector3::new(x[0], x[1], x[2]), y, lr);

            let pa = a.to_params();
            for (name, l, q) in [("nalgebra", ln, n.to_params()), ("ndarray", ld, d.to_params()), ("ndarray_vec", lv, v.to_params()), ("backprop", lo, o.to_params()), ("backprop_nocost", la, o2.to_params()), ("backprop_workspace", lw, o3.to_params()), ("arrays_backprop_sigmoid", lan, an.to_params()), ("nalgebra_backprop_sigmoid", lnn, nn.to_params())] {
                assert!((l - la).abs() <= 1e-5, "case {case} {name}: loss {l} vs arrays {la}");
                let diff = q.max_abs_diff(&pa);
                assert!(diff <= 1e-5, "case {case} {name}: params differ from arrays by {diff}");
            }
            assert!(((la as f64) - ref_loss).abs() <= 1e-4 * ref_loss.abs().max(1.0), "case {case}: loss {la} vs f64 {ref_loss}");
            for (i, (got, want)) in pa.flat().iter().zip(ref_params.iter()).enumerate() {
                assert!(((*got as f64) - want).abs() <= 1e-5, "case {case}: param {i} {got} vs f64 {want}");
            }
            if pa.max_abs_diff(&p) > 0.0 {
                live_paths += 1;
            }
        }
        assert!(live_paths > 400, "too few cases changed any parameter: {live_paths}");
    }

    #[test]
    fn f64_reference_matches_finite_differences() {
        // Central differences of the loss w.r.t. each of the 29 parameters (f64)
        // against the analytic gradient implied by the reference update.
        let mut rng = Rng::new(11);
        for _ in 0..20 {
            let (p, x, y) = random_case(&mut rng);
            let (_, upd) = reference_step(&p, &x, y, 1.0);
            let base = p.flat();
            let loss_at = |flat: &[f64]| -> f64 {
                let w1 = |i: usize, j: usize| flat[i * 3 + j];
                let b1 = |i: usize| flat[12 + i];
                let w2 = |i: usize, j: usize| flat[16 + i * 4 + j];
                let b2 = |i: usize| flat[24 + i];
                let xs: Vec<f64> = x.iter().map(|&v| v as f64).collect();
                let a1: Vec<f64> = (0..4).map(|i| ((0..3).map(|k| w1(i, k) * xs[k]).sum::<f64>() + b1(i)).max(0.0)).collect();
                let a2: Vec<f64> = (0..2).map(|i| ((0..4).map(|k| w2(i, k) * a1[k]).sum::<f64>() + b2(i)).max(0.0)).collect();
                let z3 = flat[26] * a2[0] + flat[27] * a2[1] + flat[28];
                let a3 = 1.0 / (1.0 + (-z3).exp());
                let y = y as f64;
                -(y * a3.ln() + (1.0 - y) * (1.0 - a3).ln())
            };
            let f: Vec<f64> = base.iter().map(|&v| v as f64).collect();
            for i in 0..29 {
                let h = 1e-6;
                let mut fp = f.clone();
                fp[i] += h;
                let mut fm = f.clone();
                fm[i] -= h;
                let fd = (loss_at(&fp) - loss_at(&fm)) / (2.0 * h);
                let analytic = f[i] - upd[i]; // lr = 1
                assert!((fd - analytic).abs() <= 1e-6 * fd.abs().max(1.0), "param {i}: fd {fd} vs analytic {analytic}");
            }
        }
    }

    #[test]
    fn minibatch_peers_agree() {
        const M: usize = 64;
        let mut rng = Rng::new(3);
        for case in 0..50 {
            let p = Params::random(&mut rng);
            let x: [[f32; M]; 3] = rng.array();
            let mut y = [[0.0f32; M]; 1];
            for v in y[0].iter_mut() {
                *v = if rng.f32() > 0.0 { 1.0 } else { 0.0 };
            }
            let lr = 0.5;
            let mut a = arrays::Net::from_params(&p);
            let ca = a.step_batch(&x, &y, lr);
            let mut n = nalg::Net::from_params(&p);
            let cn = n.step_batch(
                &nalgebra::SMatrix::<f32, 3, M>::from_fn(|i, j| x[i][j]),
                &nalgebra::SMatrix::<f32, 1, M>::from_fn(|i, j| y[i][j]),
                lr,
            );
            let mut d = nd::Net::from_params(&p);
            let cd = d.step_batch(&nd::a2(&x), &nd::a2(&y), lr);
            let (xm, ym) = (backprop::Matrix::from_rows(x), backprop::Matrix::from_rows(y));
            let mut o = ours::Net::from_params(&p);
            let co = o.step_batch(&xm, &ym, lr);
            let mut o2 = ours::Net::from_params(&p);
            o2.step_batch_nocost(&xm, &ym, lr);
            let pa = a.to_params();
            for (name, c, q) in [("nalgebra", cn, n.to_params()), ("ndarray", cd, d.to_params()), ("backprop", co, o.to_params()), ("backprop_nocost", ca, o2.to_params())] {
                assert!((c - ca).abs() <= 1e-5, "case {case} {name}: cost {c} vs arrays {ca}");
                let diff = q.max_abs_diff(&pa);
                assert!(diff <= 1e-5, "case {case} {name}: params differ from arrays by {diff}");
            }
        }
    }

    #[test]
    fn minibatch_of_one_equals_per_example_step() {
        let mut rng = Rng::new(5);
        for _ in 0..100 {
            let (p, x, y) = random_case(&mut rng);
            let mut a = arrays::Net::from_params(&p);
            let mut b = arrays::Net::from_params(&p);
            let l1 = a.step(&[[x[0]], [x[1]], [x[2]]], y, 0.1);
            let l2 = b.step_batch::<1>(&[[x[0]], [x[1]], [x[2]]], &[[y]], 0.1);
            assert!((l1 - l2).abs() <= 1e-6);
            assert!(a.to_params().max_abs_diff(&b.to_params()) <= 1e-6);
        }
    }

    #[test]
    fn matmul_variants_agree() {
        let mut rng = Rng::new(9);
        let a: [[f32; 16]; 8] = rng.array();
        let b: [[f32; 5]; 16] = rng.array();
        let c1 = arrays::matmul(&a, &b);
        let c2 = arrays::matmul_ikj(&a, &b);
        let na = nalgebra::SMatrix::<f32, 8, 16>::from_fn(|i, j| a[i][j]);
        let nb = nalgebra::SMatrix::<f32, 16, 5>::from_fn(|i, j| b[i][j]);
        let c3 = na * nb;
        let c4 = nd::a2(&a).dot(&nd::a2(&b));
        let c5 = mm::backprop(&backprop::Matrix::from_rows(a), &backprop::Matrix::from_rows(b));
        for i in 0..8 {
            for j in 0..5 {
                assert!((c1[i][j] - c5[(i, j)]).abs() <= 1e-5);
                assert!((c1[i][j] - c2[i][j]).abs() <= 1e-5);
                assert!((c1[i][j] - c3[(i, j)]).abs() <= 1e-5);
                assert!((c1[i][j] - c4[[i, j]]).abs() <= 1e-5);
            }
        }
    }

    #[test]
    fn flop_counts_are_consistent() {
        // With m = 1 the mini-batch step does the per-example work plus the
        // 29 scalings by 1/m.
        assert_eq!(flops::SGD_STEP_DENSE, 145);
        assert_eq!(flops::minibatch_dense(1), flops::SGD_STEP_DENSE + 29);
        assert_eq!(flops::minibatch_dense(64), 7482);
    }
}
