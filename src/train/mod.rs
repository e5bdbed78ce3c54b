//! Training: epochs of stochastic, mini-batch or batch gradient descent over a data set
//! whose size is known only at run time [C5, C6, C7].
//!
//! The batch size `M` is a const parameter of the [`Trainer`], so every batch is a
//! fixed-size `Matrix<T, I, M>` the compiler can unroll. The data set's size `n` is a
//! run-time number, and every example counts in every epoch:
//!
//! - **stochastic** ([`Trainer::stochastic`], `M = 1`) \[C5\]: a step after each example;
//! - **mini-batch** ([`Trainer::mini_batch`]) \[C6\]: a step after each batch of `M`
//!   examples; when `M` does not divide `n`, the last `n mod M` examples form a smaller
//!   batch whose gradient is the mean of their single-example gradients (nothing is
//!   dropped, nothing is padded);
//! - **batch** ([`Trainer::batch`]) \[C6\]: one step per epoch on the gradient of the mean
//!   cost over all `n` examples, accumulated batch by batch as `Σ_chunks (mₖ/n) gₖ`, so
//!   that a data set larger than one matrix should hold still takes exactly the step of
//!   one big batch (up to rounding; the tests prove it).
//!
//! After each epoch (or every `k` epochs, [`Trainer::evaluate_every`], or never,
//! [`Trainer::evaluate_never`]) the trainer evaluates the cost and accuracy on the
//! training set (and the test set, if given), reports them on stderr (unless quiet) and
//! stops with [`Error::Diverged`](crate::Error::Diverged) if the cost or a parameter is NaN or infinite.
//! It evaluates `M` examples at a time, with the same results, bit for bit, as
//! [`evaluate`] and [`evaluate_examples`], which take one at a time: for a 784 → 128 → 10
//! network, a tenth of the time per example.
//!
//! # Practical training
//!
//! - **Weight decay** belongs to the optimizer
//!   ([`Sgd::weight_decay`](crate::optim::Sgd::weight_decay),
//!   [`Adam::decoupled_weight_decay`](crate::optim::Adam::decoupled_weight_decay), …).
//! - **Learning-rate schedules** ([`Trainer::schedule`], the [`schedule`](crate::schedule)
//!   module): the trainer sets the optimizer's rate at the start of every epoch.
//! - **Early stopping** ([`Trainer::early_stopping`]): watch the cost on the validation
//!   set given to `fit` as `test`, stop when it has not improved for `patience` epochs,
//!   and give back the network of the best epoch.
//! - **Your own loop output** ([`Trainer::fit_with`]): a callback sees every epoch's
//!   [`EpochReport`] and may stop training.
//!
//! # Training without an allocator
//!
//! [`Trainer::fit_examples`] runs the same epochs over a borrowed slice of
//! [`Example`]s (input and target columns), shuffling the slice in place, with every
//! scratch value on the stack: it is the trainer of `default-features = false`, where the
//! crate is `#![no_std]` and has no allocator, and it allocates nothing with `std` either.
//! Given the same examples in the same first order and the same seed it trains the same
//! network, bit for bit, as [`Trainer::fit`] on a `Dataset` of them.
//!
//! What the seed network needs, in bytes (`f32`; `tests/footprint.rs` checks each with
//! `size_of`, and trains the network to more than 95 % held-out accuracy in a thread
//! with a 64 KiB stack and zero allocations):
//!
//! | what | bytes |
//! |---|---|
//! | the network, 29 parameters | 116 |
//! | its gradient (the same type) | 116 |
//! | `Sgd` / `Momentum` / `Adam` state | 12 / 132 / 260 |
//! | one example `(x, y)` | 16 |
//! | a per-example step: the example, the forward caches, the gradient | under 512 |
//! | a mini-batch step of 8 | under 2 048 |
//!
//! `fit_examples` keeps three gradients (and, with early stopping, a copy of the best
//! network) on its stack besides one `(I, M)` batch; for networks of more than a few
//! thousand parameters use `fit`, which keeps them on the heap.
//!
//! The 64 KiB hold in every build profile: the same run passes in a 16 KiB stack at
//! opt-level 1 and in 48 KiB (not 32) at opt-level 0. Debug builds call the matrix
//! kernels' tile functions rather than inline them: inlined, an unoptimized build gave
//! every inlined tile its own stack slots, and one mini-batch gradient took a 340 KiB
//! frame. Release builds (no debug assertions) inline them as before.
//!
//! The shared loop is in `train/step.rs`; [`Trainer::fit`] and [`Trainer::epoch`] over a
//! `Dataset` in `train/dataset.rs` (needs `std`), [`Trainer::fit_examples`] in
//! `train/examples.rs`; [`evaluate`] and [`predictions`] in `train/evaluate.rs`, what a
//! run reports ([`History`], [`EpochReport`], [`Fitted`]) in `train/history.rs` and
//! `train/step.rs`.

use crate::error::Text;
use crate::params::Parameters;
use crate::scalar::Scalar;
use crate::schedule::{Constant, Schedule};

#[cfg(feature = "std")]
mod dataset;
#[cfg(feature = "std")]
mod evaluate;
mod examples;
mod history;
mod step;

#[cfg(feature = "std")]
pub use evaluate::{evaluate, predictions};
pub use examples::{Example, evaluate_examples};
#[cfg(feature = "std")]
pub use history::History;
pub use history::{Control, EpochReport, Evaluation};
pub use step::Fitted;

/// How the optimizer descends: a step after every batch, or one step per epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Descent {
    /// A step after each batch of `M` examples (stochastic when `M = 1`) [C5, C6].
    MiniBatch,
    /// One step per epoch, on the mean gradient over all examples \[C6\].
    Batch,
}

/// How to train: batch size `M` (a const), number of epochs, descent, shuffling,
/// evaluation, progress reports, learning-rate schedule `S` and early stopping.
///
/// ```
/// # #[cfg(feature = "std")] { // Dataset and fit need std; fit_examples does not
/// use backprop::data::Dataset;
/// use backprop::network::{self, SeedLoss};
/// use backprop::optim::Sgd;
/// use backprop::rng::Rng;
/// use backprop::train::Trainer;
///
/// // Eight examples of the seed's shape: label 1 when the features sum above 0.
/// let features: Vec<f64> = (0..24).map(|k| ((k * 7 % 11) as f64 - 5.0) / 5.0).collect();
/// let labels = features.chunks(3).map(|x| (x.iter().sum::<f64>() > 0.0) as u8 as f64).collect();
/// let data = Dataset::from_parts(features, labels, 3).unwrap();
///
/// let mut net = network::seed_network::<f64>(&mut Rng::new(7));
/// let mut sgd = Sgd::new(0.1).unwrap();
/// let history = Trainer::<4>::mini_batch(50).quiet()
///     .fit(&mut net, &SeedLoss::default(), &mut sgd, &data, None)
///     .unwrap();
/// assert!(history.train.last().unwrap().cost < history.train[0].cost);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trainer<const M: usize, S = Constant> {
    epochs: usize,
    descent: Descent,
    seed: u64,
    shuffle: bool,
    report_every: usize,
    evaluate_every: usize,
    patience: Option<usize>,
    schedule: S,
}

impl Trainer<1> {
    /// Stochastic gradient descent: a step after every example \[C5\].
    pub fn stochastic(epochs: usize) -> Self {
        Trainer::mini_batch(epochs)
    }
}

impl<const M: usize> Trainer<M> {
    /// Mini-batch gradient descent: a step after each batch of `M` examples \[C6\].
    pub fn mini_batch(epochs: usize) -> Self {
        Trainer {
            epochs,
            descent: Descent::MiniBatch,
            seed: 0,
            shuffle: true,
            report_every: 1,
            evaluate_every: 1,
            patience: None,
            schedule: Constant,
        }
    }

    /// Batch gradient descent: one step per epoch on the gradient over all examples,
    /// accumulated in chunks of `M` \[C6\].
    pub fn batch(epochs: usize) -> Self {
        Trainer {
            descent: Descent::Batch,
            ..Self::mini_batch(epochs)
        }
    }
}

impl<const M: usize, S: Schedule> Trainer<M, S> {
    /// The seed of the per-epoch shuffle (default 0): same seed, same run, bit for bit.
    pub fn seed(self, seed: u64) -> Self {
        Trainer { seed, ..self }
    }

    /// Whether to shuffle the examples at the start of every epoch (default yes).
    pub fn shuffle(self, shuffle: bool) -> Self {
        Trainer { shuffle, ..self }
    }

    /// Print a progress line on stderr every `k` epochs (default 1; 0 is silent).
    pub fn report_every(self, k: usize) -> Self {
        Trainer {
            report_every: k,
            ..self
        }
    }

    /// No progress lines.
    pub fn quiet(self) -> Self {
        self.report_every(0)
    }

    /// Evaluate the training and test sets after every `k`-th epoch and after the last
    /// (default 1: every epoch; 0: never). Evaluating the training set is a forward pass
    /// over all of it, a large share of an epoch's time for small networks.
    ///
    /// The divergence guard runs after every epoch regardless: it checks that every
    /// parameter is finite (one pass over the parameters, no forward pass). A cost that
    /// overflows while the parameters stay finite is caught at the next evaluated epoch.
    pub fn evaluate_every(self, k: usize) -> Self {
        Trainer {
            evaluate_every: k,
            ..self
        }
    }

    /// Never evaluate: [`History::train`] and [`History::test`] stay empty, and
    /// progress lines show only the epoch. The same as `evaluate_every(0)`.
    pub fn evaluate_never(self) -> Self {
        self.evaluate_every(0)
    }

    /// Stop when the validation cost (the `test` set given to `fit`) has not improved
    /// for `patience` epochs, and give back the parameters of the epoch of lowest
    /// validation cost.
    ///
    /// An epoch improves on the best if its validation cost is strictly lower. The test
    /// is made at evaluated epochs ([`evaluate_every`](Trainer::evaluate_every)): training
    /// stops after evaluated epoch `e` if `e − best ≥ patience`. Whenever `fit` returns
    /// `Ok` (stopped by patience, by the callback, or at the last epoch), the network
    /// holds exactly the parameters it had after the best epoch,
    /// [`History::best_epoch`]. The optimizer's state (momentum, moments) is not
    /// rewound.
    ///
    /// The best parameters are copied block by block into a network built with
    /// `Box::default()`, so a network of [`HeapDense`](crate::layer::HeapDense) layers
    /// is kept on the heap only, while a large network of [`Dense`](crate::Dense) layers
    /// passes through the stack once (see [Large
    /// networks](crate::layer::heap_dense#large-networks)).
    pub fn early_stopping(self, patience: usize) -> Self {
        Trainer {
            patience: Some(patience),
            ..self
        }
    }

    /// The same trainer with the learning-rate schedule `schedule`: the optimizer's rate
    /// is set to `schedule.rate(α₀, e − 1)` at the start of epoch `e`, where `α₀` is its
    /// rate when `fit` starts; `fit` gives it `α₀` back when it returns.
    ///
    /// ```
    /// use backprop::schedule::StepDecay;
    /// use backprop::train::Trainer;
    ///
    /// let trainer = Trainer::<16>::mini_batch(30).schedule(StepDecay::new(10, 0.1)?);
    /// # Ok::<(), backprop::Error>(())
    /// ```
    pub fn schedule<S2: Schedule>(self, schedule: S2) -> Trainer<M, S2> {
        Trainer {
            epochs: self.epochs,
            descent: self.descent,
            seed: self.seed,
            shuffle: self.shuffle,
            report_every: self.report_every,
            evaluate_every: self.evaluate_every,
            patience: self.patience,
            schedule,
        }
    }

    /// How the optimizer descends: after every batch or once per epoch.
    pub fn descent(&self) -> Descent {
        self.descent
    }
}

/// Copies every parameter of `from` into `to`, block by block: no temporary network.
fn copy_parameters<T: Scalar, N: Parameters<T>>(from: &N, to: &mut N) {
    for (to, from) in to.blocks_mut().zip(from.blocks()) {
        to.copy_from_slice(from);
    }
}

/// The first parameter of `net` that is not finite, by its seed name, and its value.
fn first_non_finite<T: Scalar, N: Parameters<T>>(net: &N) -> Option<(Text, T)> {
    let k = net.blocks().flatten().position(|v| !v.is_finite())?;
    let value = net.parameter(k)?;
    Some((net.parameter_name(k).unwrap_or_default(), value))
}
