//! `gradcheck::check` tells correct backward passes from wrong ones, in `f64` and `f32`,
//! on trained networks whose costs are tiny.
//!
//! * Correct networks pass on every training example, one at a time and in small
//!   batches: a 4 → 8 → 8 → 3 softmax classifier trained with Adam to high confidence on
//!   three clusters (the case a fixed threshold on the relative error flags), the
//!   breast-cancer network 30 → 16 → 8 → 1 after training, and the seed's network after
//!   1 000 SGD steps.
//! * Backward passes that break one line of the derivation fail on every example (or
//!   every batch, for the bugs that need a batch): `g'(z)` dropped from `δ` [S4], `W`
//!   used for `Wᵀ` [L2.7], the `1/m` of the mean missing [S5], the bias gradient taken
//!   from the first column instead of summed over the batch [S5]. Each is a small wrapper
//!   type below, with the same parameters as the correct network.
//!
//! ReLU's kink is handled by the check itself (a step that straddles it widens that
//! parameter's tolerance, see the module docs of `gradcheck`), so no example is skipped;
//! one test puts a pre-activation exactly at 0 to prove it.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{CsvOptions, Dataset, Standardizer};
use backprop::gradcheck::{self, GradientCheck};
use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Adam, Sgd};
use backprop::rng::Rng;
use backprop::train::Trainer;
use backprop::{
    Activation, Dense, DenseCache, Identity, Layer, Loss, Matrix, Parameters, Relu, RowVector,
    Scalar, SigmoidCrossEntropy, SoftmaxCrossEntropy,
};

// ----- Data and trained networks ------------------------------------------------------

/// The breast-cancer CSV (the one place its path is written).
fn breast_cancer_path() -> String {
    format!(
        "{}/examples/data/breast_cancer.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The breast-cancer data set, standardised with its own mean and standard deviation.
fn breast_cancer<T: Scalar>() -> Dataset<T> {
    let mut data =
        Dataset::from_csv_path(breast_cancer_path(), &CsvOptions::new().binary(true)).unwrap();
    Standardizer::fit(&data).unwrap().apply(&mut data).unwrap();
    data
}

/// 120 examples in R⁴, 40 around each of three centres (labels 0, 1, 2), spread 0.5.
fn three_clusters<T: Scalar>() -> Dataset<T> {
    let centres = [
        [2.0, 0.0, -1.0, 0.5],
        [-1.0, 2.0, 0.5, -1.0],
        [0.0, -2.0, 1.0, 1.5],
    ];
    let mut rng = Rng::new(5);
    let (mut features, mut labels) = (Vec::new(), Vec::new());
    for i in 0..120 {
        let class = i % 3;
        for c in centres[class] {
            features.push(T::from_f64(c + 0.5 * rng.normal::<f64>()));
        }
        labels.push(T::from_usize(class));
    }
    Dataset::from_parts(features, labels, 4).unwrap()
}

/// The softmax classifier of the issue: ReLU, ReLU, then logits.
type Clusters<T> = (
    Dense<T, 4, 8, Relu>,
    Dense<T, 8, 8, Relu>,
    Dense<T, 8, 3, Identity>,
);

/// 30 → 16 → 8 → 1: the breast-cancer example's network.
type BreastCancer<T> = (
    Dense<T, 30, 16, Relu>,
    Dense<T, 16, 8, Relu>,
    Dense<T, 8, 1, Identity>,
);

/// The clusters network after `epochs` epochs of Adam (α = 0.01, batches of 8).
fn clusters_network<T: Scalar>(data: &Dataset<T>, epochs: usize) -> Clusters<T> {
    let mut net: Clusters<T> = Default::default();
    net.initialize(&mut Rng::new(11));
    if epochs > 0 {
        let mut adam = Adam::new(T::from_f64(0.01)).unwrap();
        Trainer::<8>::mini_batch(epochs)
            .quiet()
            .seed(3)
            .fit(&mut net, &SoftmaxCrossEntropy, &mut adam, data, None)
            .unwrap();
    }
    net
}

/// The breast-cancer network after 20 epochs of Adam (α = 0.003, batches of 16), as in
/// the example.
fn breast_cancer_network<T: Scalar>(data: &Dataset<T>) -> BreastCancer<T> {
    let mut net: BreastCancer<T> = Default::default();
    net.initialize(&mut Rng::new(2024));
    let mut adam = Adam::new(T::from_f64(0.003)).unwrap();
    Trainer::<16>::mini_batch(20)
        .quiet()
        .seed(7)
        .fit(&mut net, &SigmoidCrossEntropy, &mut adam, data, None)
        .unwrap();
    net
}

/// 16 examples in R³ labelled by the sign of `x₁ + x₂ − x₃` (separable), with margin.
fn separable<T: Scalar>() -> Dataset<T> {
    let mut rng = Rng::new(9);
    let (mut features, mut labels) = (Vec::new(), Vec::new());
    while labels.len() < 16 {
        let x: [f64; 3] = [rng.normal(), rng.normal(), rng.normal()];
        let s = x[0] + x[1] - x[2];
        if s.abs() > 0.5 {
            features.extend(x.map(T::from_f64));
            labels.push(if s > 0.0 { T::ONE } else { T::ZERO });
        }
    }
    Dataset::from_parts(features, labels, 3).unwrap()
}

/// The seed's network after 1 000 SGD steps (α = 0.1, batches of 4, 250 epochs).
fn seed_network<T: Scalar>(data: &Dataset<T>) -> SeedNetwork<T> {
    let mut net = network::seed_network(&mut Rng::new(7));
    let mut sgd = Sgd::new(T::from_f64(0.1)).unwrap();
    Trainer::<4>::mini_batch(250)
        .quiet()
        .seed(1)
        .fit(&mut net, &SeedLoss::default(), &mut sgd, data, None)
        .unwrap();
    net
}

/// The target column of a label: the label itself for one output, one-hot for several.
fn target<T: Scalar, const O: usize>(label: T) -> Matrix<T, O, 1> {
    if O == 1 {
        Matrix::filled(label)
    } else {
        Matrix::from_fn(|k, _| {
            if k == label.to_f64() as usize {
                T::ONE
            } else {
                T::ZERO
            }
        })
    }
}

/// Examples `start, …, start + M − 1` as a batch `(x, y)`, one column each.
fn batch<T: Scalar, const I: usize, const O: usize, const M: usize>(
    data: &Dataset<T>,
    start: usize,
) -> (Matrix<T, I, M>, Matrix<T, O, M>) {
    let indices: Vec<usize> = (start..start + M).collect();
    let (x, labels) = data.batch::<I, M>(&indices).unwrap();
    let mut y = Matrix::zeros();
    for j in 0..M {
        y.set_column(j, &target::<T, O>(labels[(0, j)]));
    }
    (x, y)
}

/// The gradient check of every example of `data` on its own, then of every batch of `M`
/// consecutive examples (the last `n mod M` are left out of the batches).
fn check_all<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Vec<GradientCheck>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>
        + Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let mut reports = Vec::new();
    for i in 0..data.len() {
        let (x, y) = batch::<T, I, O, 1>(data, i);
        reports.push(gradcheck::check(net, loss, &x, &y));
    }
    reports.extend(check_batches::<T, N, L, I, O, M>(net, loss, data));
    reports
}

/// The gradient check of every batch of `M` consecutive examples of `data`.
fn check_batches<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Vec<GradientCheck>
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    (0..data.len() / M)
        .map(|b| {
            let (x, y) = batch::<T, I, O, M>(data, b * M);
            gradcheck::check(net, loss, &x, &y)
        })
        .collect()
}

/// Asserts that every report passes; returns the largest `|gₖ − ĝₖ| / tolₖ` seen.
#[track_caller]
fn assert_all_pass(what: &str, reports: &[GradientCheck]) -> f64 {
    let mut worst: f64 = 0.0;
    for (i, r) in reports.iter().enumerate() {
        assert!(r.passes(), "{what}, check {i}: {r}");
        worst = worst.max(r.worst_ratio);
    }
    let resolved = reports.iter().map(|r| r.resolved).min().unwrap_or(0);
    let kinks = reports.iter().map(|r| r.kinks).max().unwrap_or(0);
    println!(
        "{what}: {} checks pass, largest error / tolerance {worst:.3e}, fewest resolved {resolved}, most kinks {kinks}",
        reports.len()
    );
    worst
}

/// Asserts that every report fails; returns the smallest worst `|gₖ − ĝₖ| / tolₖ` seen.
#[track_caller]
fn assert_all_fail(what: &str, reports: &[GradientCheck]) -> f64 {
    let mut least = f64::INFINITY;
    for (i, r) in reports.iter().enumerate() {
        assert!(!r.passes(), "{what}, check {i} should fail: {r}");
        least = least.min(r.worst_ratio);
    }
    println!(
        "{what}: {} checks fail, smallest worst error / tolerance {least:.3e}",
        reports.len()
    );
    least
}

// ----- Wrong backward passes ----------------------------------------------------------

/// A dense layer whose backward pass drops `g'(z)`: `δ = ∂J/∂a` instead of
/// `δ = ∂J/∂a ⊙ g'(z)`, breaking [S4] (and [L2.7], [L1.2]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct WithoutDerivative<L>(L);

/// A square dense layer whose backward pass returns `W δ` for `∂J/∂a_prev` instead of
/// `Wᵀ δ`, breaking [L2.7] (`∂z[l]/∂a[l−1] = W[l]` [L2.2], whose transpose carries `δ`
/// back); its own `dW` and `db` are right, the layers before it get wrong gradients.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct WithoutTranspose<L>(L);

/// A dense layer whose bias gradient is `δ`'s first column instead of its sum over the
/// batch, breaking [S5] (`db = (1/m) Σ_columns dZ`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct FirstColumnBias<L>(L);

/// A loss whose gradient is not divided by the batch size `m`: `∂J/∂output` of the sum
/// of the losses while `J` is their mean, breaking [S5] (`dW = (1/m) dZ Aᵀ`) and [C6].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct WithoutMean<L>(L);

/// `Parameters` and the forward pass of a wrapper are those of the `Dense` it wraps; its
/// backward pass is its own `wrong_backward`. The brackets hold the const parameters of
/// the layer's sizes (one, `N`, for a wrapper that exists only for square layers).
macro_rules! wrapper {
    ($W:ident [$($sizes:tt)*] $I:ident, $O:ident) => {
        impl<T: Scalar, $($sizes)*, A: Activation<T>> Parameters<T>
            for $W<Dense<T, $I, $O, A>>
        {
            fn blocks(&self) -> impl Iterator<Item = &[T]> {
                self.0.blocks()
            }
            fn blocks_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
                self.0.blocks_mut()
            }
            fn block_shapes(&self) -> impl Iterator<Item = (usize, usize)> {
                self.0.block_shapes()
            }
            fn add_scaled(&mut self, alpha: T, other: &Self) {
                self.0.add_scaled(alpha, &other.0)
            }
            fn initialize(&mut self, rng: &mut Rng) {
                self.0.initialize(rng)
            }
        }

        impl<T: Scalar, $($sizes)*, const M: usize, A: Activation<T>>
            Layer<T, M> for $W<Dense<T, $I, $O, A>>
        {
            type Input = Matrix<T, $I, M>;
            type Output = Matrix<T, $O, M>;
            type Cache = DenseCache<T, $O, M>;

            fn predict(&self, input: &Matrix<T, $I, M>) -> Matrix<T, $O, M> {
                self.0.predict(input)
            }

            fn forward_to(
                &self,
                input: &Matrix<T, $I, M>,
                output: &mut Matrix<T, $O, M>,
                cache: &mut Self::Cache,
            ) {
                self.0.forward_to(input, output, cache)
            }

            fn backward_to(
                &self,
                input: &Matrix<T, $I, M>,
                cache: &Self::Cache,
                grad_output: &Matrix<T, $O, M>,
                grads: &mut Self,
                grad_input: &mut Matrix<T, $I, M>,
            ) {
                *grad_input = self.wrong_backward(input, cache, grad_output, &mut grads.0);
            }
        }
    };
}

wrapper!(WithoutDerivative [const I: usize, const O: usize] I, O);
wrapper!(WithoutTranspose [const N: usize] N, N);
wrapper!(FirstColumnBias [const I: usize, const O: usize] I, O);

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>>
    WithoutDerivative<Dense<T, I, O, A>>
{
    fn wrong_backward<const M: usize>(
        &self,
        input: &Matrix<T, I, M>,
        _z_unused: &DenseCache<T, O, M>,
        grad_output: &Matrix<T, O, M>,
        grads: &mut Dense<T, I, O, A>,
    ) -> Matrix<T, I, M> {
        let delta = *grad_output; //             δ = ∂J/∂a, no ⊙ g'(z)   (wrong, [S4])
        grads.weights = delta.mul_tr(input); //  dW = δ a_prevᵀ
        grads.bias = delta.row_sums(); //         db = Σ_columns δ
        self.0.weights.tr_mul(&delta) //          ∂J/∂a_prev = Wᵀ δ
    }
}

impl<T: Scalar, const N: usize, A: Activation<T>> WithoutTranspose<Dense<T, N, N, A>> {
    fn wrong_backward<const M: usize>(
        &self,
        input: &Matrix<T, N, M>,
        cache: &DenseCache<T, N, M>,
        grad_output: &Matrix<T, N, M>,
        grads: &mut Dense<T, N, N, A>,
    ) -> Matrix<T, N, M> {
        let delta = self.0.delta(&cache.z, grad_output); // δ = ∂J/∂a ⊙ g'(z)
        grads.weights = delta.mul_tr(input); //            dW = δ a_prevᵀ
        grads.bias = delta.row_sums(); //                  db = Σ_columns δ
        self.0.weights * delta //                          W δ, not Wᵀ δ   (wrong, [L2.7])
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>>
    FirstColumnBias<Dense<T, I, O, A>>
{
    fn wrong_backward<const M: usize>(
        &self,
        input: &Matrix<T, I, M>,
        cache: &DenseCache<T, O, M>,
        grad_output: &Matrix<T, O, M>,
        grads: &mut Dense<T, I, O, A>,
    ) -> Matrix<T, I, M> {
        let delta = self.0.delta(&cache.z, grad_output); // δ = ∂J/∂a ⊙ g'(z)
        grads.weights = delta.mul_tr(input); //            dW = δ a_prevᵀ
        grads.bias = delta.column(0); //                   db = δ's first column  (wrong, [S5])
        self.0.weights.tr_mul(&delta) //                   ∂J/∂a_prev = Wᵀ δ
    }
}

impl<T: Scalar, L: Loss<T>> Loss<T> for WithoutMean<L> {
    fn predict<const N: usize, const M: usize>(&self, output: &Matrix<T, N, M>) -> Matrix<T, N, M> {
        self.0.predict(output)
    }

    fn losses<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> RowVector<T, M> {
        self.0.losses(output, target)
    }

    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M> {
        self.0.gradient(output, target) * T::from_usize(M) // no 1/m  (wrong, [S5])
    }
}

/// The clusters network with `g'` dropped in every layer.
type ClustersWithoutDerivative<T> = (
    WithoutDerivative<Dense<T, 4, 8, Relu>>,
    WithoutDerivative<Dense<T, 8, 8, Relu>>,
    WithoutDerivative<Dense<T, 8, 3, Identity>>,
);

/// The clusters network with `W δ` for `Wᵀ δ` in its square middle layer.
type ClustersWithoutTranspose<T> = (
    Dense<T, 4, 8, Relu>,
    WithoutTranspose<Dense<T, 8, 8, Relu>>,
    Dense<T, 8, 3, Identity>,
);

/// The clusters network with the bias gradient of every layer taken from column 0.
type ClustersFirstColumnBias<T> = (
    FirstColumnBias<Dense<T, 4, 8, Relu>>,
    FirstColumnBias<Dense<T, 8, 8, Relu>>,
    FirstColumnBias<Dense<T, 8, 3, Identity>>,
);

/// [`ClustersWithoutDerivative`] with the parameters of `net`.
fn without_derivative<T: Scalar>(net: &Clusters<T>) -> ClustersWithoutDerivative<T> {
    (
        WithoutDerivative(net.0),
        WithoutDerivative(net.1),
        WithoutDerivative(net.2),
    )
}

/// [`ClustersWithoutTranspose`] with the parameters of `net`.
fn without_transpose<T: Scalar>(net: &Clusters<T>) -> ClustersWithoutTranspose<T> {
    (net.0, WithoutTranspose(net.1), net.2)
}

/// [`ClustersFirstColumnBias`] with the parameters of `net`.
fn first_column_bias<T: Scalar>(net: &Clusters<T>) -> ClustersFirstColumnBias<T> {
    (
        FirstColumnBias(net.0),
        FirstColumnBias(net.1),
        FirstColumnBias(net.2),
    )
}

// ----- Correct networks pass on every example ------------------------------------------

/// The check of the clusters classifier after 300 epochs of Adam, on every example and
/// every batch of 4: it passes, in `T`; returns the largest error / tolerance.
fn confident_softmax_classifier_passes<T: Scalar>() -> f64 {
    let data = three_clusters::<T>();
    let net = clusters_network(&data, 300);
    // Confident: every example's cost is below 1e-4 (most far below).
    for i in 0..data.len() {
        let (x, y) = batch::<T, 4, 3, 1>(&data, i);
        assert!(network::cost(&net, &SoftmaxCrossEntropy, &x, &y).to_f64() < 1e-4);
    }
    let what = format!("{} clusters classifier after 300 epochs", T::NAME);
    assert_all_pass(
        &what,
        &check_all::<T, _, _, 4, 3, 4>(&net, &SoftmaxCrossEntropy, &data),
    )
}

#[test]
fn confident_softmax_classifier_passes_on_every_example_and_batch_in_f64() {
    confident_softmax_classifier_passes::<f64>();
}

#[test]
fn confident_softmax_classifier_passes_on_every_example_and_batch_in_f32() {
    confident_softmax_classifier_passes::<f32>();
}

/// The check of the trained breast-cancer network on every one of its 455 examples and
/// every batch of 5.
fn trained_breast_cancer_network_passes<T: Scalar>() -> f64 {
    let data = breast_cancer::<T>();
    let net = breast_cancer_network(&data);
    let what = format!("{} breast cancer 30 → 16 → 8 → 1 after 20 epochs", T::NAME);
    assert_all_pass(
        &what,
        &check_all::<T, _, _, 30, 1, 5>(&net, &SigmoidCrossEntropy, &data),
    )
}

#[test]
fn trained_breast_cancer_network_passes_on_every_example_and_batch_in_f64() {
    trained_breast_cancer_network_passes::<f64>();
}

#[test]
fn trained_breast_cancer_network_passes_on_every_example_and_batch_in_f32() {
    trained_breast_cancer_network_passes::<f32>();
}

/// The check of the seed network after 1 000 SGD steps, on every example and batch of 4.
fn trained_seed_network_passes<T: Scalar>() -> f64 {
    let data = separable::<T>();
    let net = seed_network(&data);
    let what = format!("{} seed network after 1 000 SGD steps", T::NAME);
    assert_all_pass(
        &what,
        &check_all::<T, _, _, 3, 1, 4>(&net, &SeedLoss::default(), &data),
    )
}

#[test]
fn n1_n5_seed_network_after_1000_sgd_steps_passes_on_every_example_and_batch_in_f64() {
    trained_seed_network_passes::<f64>();
}

#[test]
fn n1_n5_seed_network_after_1000_sgd_steps_passes_on_every_example_and_batch_in_f32() {
    trained_seed_network_passes::<f32>();
}

/// The seed network with unit 1 of layer 1 exactly at ReLU's kink for `x = (1, 2, 3)`:
/// `z[1]₁ = 0.5 + 0.25 · 2 − 0.25 · 3 − 0.25 = 0`, every number a binary fraction, so it is
/// exactly 0 in `f32` and `f64`. Backpropagation uses `g'(0) = 0` [L2.4]; every step in
/// `W[1](1, ·)` or `b[1](1)` straddles the kink.
fn seed_network_at_a_kink<T: Scalar>() -> (SeedNetwork<T>, Matrix<T, 3, 1>, Matrix<T, 1, 1>) {
    let t = T::from_f64;
    let mut net = SeedNetwork::<T>::default();
    net.0.weights = Matrix::from_fn(|i, j| {
        if i == 0 {
            t([0.5, 0.25, -0.25][j])
        } else {
            t(0.3 + 0.1 * i as f64 - 0.2 * j as f64)
        }
    });
    net.0.bias = Matrix::from_column([-0.25, 0.5, 0.75, 1.0].map(t));
    net.1.weights = Matrix::from_fn(|i, j| t(0.4 - 0.3 * i as f64 + 0.15 * j as f64));
    net.1.bias = Matrix::from_column([0.5, 0.25].map(t));
    net.2.weights = Matrix::from_rows([[0.8, -0.6].map(t)]);
    let x = Matrix::from_column([1.0, 2.0, 3.0].map(t));
    let (_, cache) = Layer::<T, 1>::forward(&net, &x);
    assert_eq!(cache.0.0.z[(0, 0)], T::ZERO);
    (net, x, Matrix::from_column([T::ONE]))
}

#[test]
fn l2_4_a_step_straddling_relus_kink_is_recognised_and_does_not_fail_a_correct_gradient() {
    fn run<T: Scalar>() {
        let (net, x, y) = seed_network_at_a_kink::<T>();
        let report = gradcheck::check(&net, &SeedLoss::default(), &x, &y);
        assert!(report.passes(), "{} at a kink: {report}", T::NAME);
        // The four weights and the bias into the unit at the kink.
        assert!(report.kinks >= 1, "{} at a kink: {report}", T::NAME);
    }
    run::<f64>();
    run::<f32>();
}

#[test]
fn l2_4_at_a_kink_the_check_cannot_tell_g_prime_0_from_g_prime_1() {
    // Here every other ReLU unit is active (g' = 1), so dropping g' changes only the
    // gradients into the unit at the kink (g'(0) = 0 becomes 1): the other one-sided
    // derivative. The finite differences straddle the kink and measure the mean of the
    // two, so the check accepts either: the limitation its docs state.
    fn run<T: Scalar>() {
        let (net, x, y) = seed_network_at_a_kink::<T>();
        let (mut right, mut wrong) = (SeedNetwork::<T>::default(), Default::default());
        network::gradients(&net, &SeedLoss::default(), &x, &y, &mut right);
        let dropped = (
            WithoutDerivative(net.0),
            WithoutDerivative(net.1),
            WithoutDerivative(net.2),
        );
        network::gradients(&dropped, &SeedLoss::default(), &x, &y, &mut wrong);
        let changed: Vec<usize> = (0..29)
            .filter(|&k| right.parameter(k) != wrong.parameter(k))
            .collect();
        assert_eq!(
            changed,
            vec![0, 1, 2, 12],
            "{}: W[1](1, ·) and b[1](1) only",
            T::NAME
        );
        let report = gradcheck::check(&dropped, &SeedLoss::default(), &x, &y);
        assert!(report.passes(), "{}: {report}", T::NAME);
    }
    run::<f64>();
    run::<f32>();
}

// ----- Wrong backward passes fail on every example ------------------------------------

/// The clusters data and network at its (random) initialisation, where every example's
/// gradient is resolved by the finite differences in `f64` and `f32` alike. (On the
/// confident network a wrong gradient of `1e-5` is below the `f32` tolerance, and the
/// report says so: no partial derivative is resolved.)
fn untrained<T: Scalar>() -> (Dataset<T>, Clusters<T>) {
    let data = three_clusters::<T>();
    let net = clusters_network(&data, 0);
    (data, net)
}

#[test]
fn s4_dropping_g_prime_from_delta_fails_on_every_example_and_batch() {
    fn run<T: Scalar>() -> f64 {
        let (data, net) = untrained::<T>();
        let what = format!("{}: δ = ∂J/∂a without ⊙ g'(z)", T::NAME);
        let wrong = without_derivative(&net);
        assert_all_fail(
            &what,
            &check_all::<T, _, _, 4, 3, 4>(&wrong, &SoftmaxCrossEntropy, &data),
        )
    }
    run::<f64>();
    run::<f32>();
}

#[test]
fn l2_7_w_instead_of_w_transposed_fails_on_every_example_and_batch() {
    fn run<T: Scalar>() -> f64 {
        let (data, net) = untrained::<T>();
        let what = format!("{}: ∂J/∂a[1] = W[2] δ[2] instead of W[2]ᵀ δ[2]", T::NAME);
        let wrong = without_transpose(&net);
        assert_all_fail(
            &what,
            &check_all::<T, _, _, 4, 3, 4>(&wrong, &SoftmaxCrossEntropy, &data),
        )
    }
    run::<f64>();
    run::<f32>();
}

#[test]
fn s5_a_gradient_without_1_over_m_fails_on_every_batch_of_2_and_4() {
    fn run<T: Scalar>() {
        let (data, net) = untrained::<T>();
        let loss = WithoutMean(SoftmaxCrossEntropy);
        let what = format!("{}: ∂J/∂output without 1/m", T::NAME);
        assert_all_fail(
            &what,
            &check_batches::<T, _, _, 4, 3, 2>(&net, &loss, &data),
        );
        assert_all_fail(
            &what,
            &check_batches::<T, _, _, 4, 3, 4>(&net, &loss, &data),
        );
        // One example is a batch of 1: nothing is missing, and the check passes.
        assert_all_pass(
            &what,
            &check_batches::<T, _, _, 4, 3, 1>(&net, &loss, &data),
        );
    }
    run::<f64>();
    run::<f32>();
}

#[test]
fn s5_a_bias_gradient_from_the_first_column_fails_on_every_batch_of_2_and_4() {
    fn run<T: Scalar>() {
        let (data, net) = untrained::<T>();
        let wrong = first_column_bias(&net);
        let what = format!("{}: db = δ's first column, not Σ_columns δ", T::NAME);
        assert_all_fail(
            &what,
            &check_batches::<T, _, _, 4, 3, 2>(&wrong, &SoftmaxCrossEntropy, &data),
        );
        assert_all_fail(
            &what,
            &check_batches::<T, _, _, 4, 3, 4>(&wrong, &SoftmaxCrossEntropy, &data),
        );
    }
    run::<f64>();
    run::<f32>();
}

// ----- Measurements (run with --ignored --nocapture to see them) ----------------------

/// Prints, for the clusters network before, early in and after training, how the check
/// judges the correct and the four wrong backward passes (not a proof: the tests above
/// are).
#[test]
#[ignore]
fn measure() {
    fn run<T: Scalar>() {
        let data = three_clusters::<T>();
        for epochs in [0, 3, 300] {
            let net = clusters_network(&data, epochs);
            let what = format!("{} clusters after {epochs} epochs", T::NAME);
            summary(
                &format!("{what}: correct"),
                &check_all::<T, _, _, 4, 3, 4>(&net, &SoftmaxCrossEntropy, &data),
            );
            summary(
                &format!("{what}: no g'"),
                &check_all::<T, _, _, 4, 3, 4>(
                    &without_derivative(&net),
                    &SoftmaxCrossEntropy,
                    &data,
                ),
            );
            summary(
                &format!("{what}: W for Wᵀ"),
                &check_all::<T, _, _, 4, 3, 4>(
                    &without_transpose(&net),
                    &SoftmaxCrossEntropy,
                    &data,
                ),
            );
            summary(
                &format!("{what}: no 1/m"),
                &check_batches::<T, _, _, 4, 3, 2>(&net, &WithoutMean(SoftmaxCrossEntropy), &data),
            );
            summary(
                &format!("{what}: bias col 0"),
                &check_batches::<T, _, _, 4, 3, 2>(
                    &first_column_bias(&net),
                    &SoftmaxCrossEntropy,
                    &data,
                ),
            );
        }
    }
    run::<f64>();
    run::<f32>();
}

/// One line: how many checks fail, the range of their worst error / tolerance, the
/// fewest partial derivatives resolved, the most kinks, the largest relative error.
fn summary(what: &str, reports: &[GradientCheck]) {
    let fails = reports.iter().filter(|r| !r.passes()).count();
    let max = reports.iter().map(|r| r.worst_ratio).fold(0.0, f64::max);
    let min = reports
        .iter()
        .map(|r| r.worst_ratio)
        .fold(f64::INFINITY, f64::min);
    let resolved = reports.iter().map(|r| r.resolved).min().unwrap_or(0);
    let kinks = reports.iter().map(|r| r.kinks).max().unwrap_or(0);
    let rel = reports.iter().map(|r| r.relative_error).fold(0.0, f64::max);
    println!(
        "{what}: {fails}/{} fail; worst ratio in [{min:.2e}, {max:.2e}]; fewest resolved {resolved}; most kinks {kinks}; largest relative error {rel:.2e}",
        reports.len()
    );
}
