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
//! stops with [`Error::Diverged`] if the cost or a parameter is NaN or infinite.
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
//! The loop lives here; [`evaluate`] and [`predictions`] in `train/evaluate.rs`, what a
//! run reports ([`History`], [`EpochReport`]) in `train/history.rs`.

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::Matrix;
use crate::network;
use crate::optim::Optimizer;
use crate::params::Parameters;
use crate::rng::Rng;
use crate::scalar::Scalar;
use crate::schedule::{Constant, Schedule};

mod evaluate;
mod history;

pub use evaluate::{evaluate, predictions};
pub use history::{Control, EpochReport, Evaluation, History};

use evaluate::{check_data, example};

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

    /// Trains `net` on `train` and returns the per-epoch costs and accuracies.
    ///
    /// The same as [`fit_with`](Trainer::fit_with) with a callback that always
    /// continues.
    ///
    /// # Errors
    /// As [`fit_with`](Trainer::fit_with).
    pub fn fit<T, N, L, P, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        train: &Dataset<T>,
        test: Option<&Dataset<T>>,
    ) -> Result<History>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
    {
        self.fit_with(net, loss, optimizer, train, test, |_| Control::Continue)
    }

    /// Trains `net` on `train`, calling `callback` after every epoch with an
    /// [`EpochReport`]; training stops after an epoch whose callback returns
    /// [`Control::Stop`].
    ///
    /// Each epoch: set the learning rate from the schedule, shuffle, take the steps
    /// ([`epoch`](Trainer::epoch)), check every parameter is finite, evaluate (if this
    /// epoch is evaluated), note the best epoch (with early stopping), print the
    /// progress line (unless quiet), call `callback`.
    ///
    /// ```
    /// use backprop::data::Dataset;
    /// use backprop::network::{self, SeedLoss};
    /// use backprop::optim::Sgd;
    /// use backprop::rng::Rng;
    /// use backprop::schedule::Exponential;
    /// use backprop::train::{Control, Trainer};
    ///
    /// let features: Vec<f64> = (0..24).map(|k| ((k * 7 % 11) as f64 - 5.0) / 5.0).collect();
    /// let labels = features.chunks(3).map(|x| (x.iter().sum::<f64>() > 0.0) as u8 as f64).collect();
    /// let data = Dataset::from_parts(features, labels, 3)?;
    ///
    /// let mut net = network::seed_network::<f64>(&mut Rng::new(7));
    /// let mut sgd = Sgd::new(0.5)?;
    /// let trainer = Trainer::<4>::mini_batch(200).quiet().schedule(Exponential::new(0.99)?);
    /// let mut lines = Vec::new();
    /// let history = trainer.fit_with(&mut net, &SeedLoss::default(), &mut sgd, &data, None, |report| {
    ///     let train = report.train.expect("evaluated every epoch by default");
    ///     lines.push(format!("{} {:.2e} {:.4}", report.epoch, report.learning_rate, train.cost));
    ///     if train.accuracy == 1.0 { Control::Stop } else { Control::Continue }
    /// })?;
    /// assert_eq!(lines.len(), history.epochs_trained());
    /// assert!(lines[0].starts_with("1 5.00e-1 "));
    /// if let Some(epoch) = history.stopped_at {
    ///     assert_eq!(history.at(epoch).unwrap().0.accuracy, 1.0);
    /// }
    /// # Ok::<(), backprop::Error>(())
    /// ```
    ///
    /// # Errors
    /// - [`Error::Invalid`] if the data set is empty, its feature count is not the
    ///   network's input size `I`, a label is not one the loss can learn from
    ///   ([`Loss::check_label`]: a class index below `O` for several outputs, 0 or 1 for a
    ///   sigmoid cross-entropy, and softmax needs `O ≥ 2`), a parameter is NaN or infinite
    ///   before training, `epochs` or `M` is 0, early stopping is asked for with a
    ///   patience of 0, without a test set or without evaluation, or the schedule gives a
    ///   rate the optimizer refuses (NaN, infinite or negative);
    /// - [`Error::Diverged`] as soon as an epoch ends with a parameter that is NaN or
    ///   infinite, or an evaluated epoch with a training cost that is, naming the epoch
    ///   and the first such parameter.
    pub fn fit_with<T, N, L, P, F, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        train: &Dataset<T>,
        test: Option<&Dataset<T>>,
        mut callback: F,
    ) -> Result<History>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
        F: FnMut(&EpochReport<'_, N>) -> Control,
    {
        if self.epochs == 0 {
            return Err(Error::invalid("the number of epochs must be at least 1"));
        }
        check_data::<T, L, I, O>(train, loss, "training")?;
        if let Some(test) = test {
            check_data::<T, L, I, O>(test, loss, "test")?;
        }
        if let Some(patience) = self.patience {
            if patience == 0 {
                return Err(Error::invalid(
                    "early stopping needs a patience of at least 1 epoch, got 0",
                ));
            }
            if test.is_none() {
                return Err(Error::invalid(
                    "early stopping needs a validation set: pass it to fit as `test`",
                ));
            }
            if self.evaluate_every == 0 {
                return Err(Error::invalid(
                    "early stopping needs evaluations, but evaluation is off \
                     (evaluate_never or evaluate_every(0))",
                ));
            }
        }
        if let Some((name, value)) = first_non_finite(net) {
            return Err(Error::invalid(format!(
                "parameter {name} is {value} before training: initialise the network \
                 (Parameters::initialize) or load finite weights"
            )));
        }
        let base = optimizer.learning_rate();
        let result =
            self.run::<T, N, L, P, F, I, O>(net, loss, optimizer, train, test, &mut callback);
        // The schedule changed the rate epoch by epoch; the optimizer gets its own back.
        let restored = optimizer.set_learning_rate(base);
        let history = result?;
        restored?;
        Ok(history)
    }

    /// The loop of [`fit_with`](Trainer::fit_with), once its inputs are checked.
    fn run<T, N, L, P, F, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        train: &Dataset<T>,
        test: Option<&Dataset<T>>,
        callback: &mut F,
    ) -> Result<History>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
        F: FnMut(&EpochReport<'_, N>) -> Control,
    {
        let n = train.len();
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = Rng::new(self.seed);
        let mut history = History::default();
        let base = optimizer.learning_rate().to_f64();
        // With early stopping: the best parameters so far, their epoch and validation cost.
        let mut best: Option<Box<N>> = self.patience.map(|_| Box::default());
        let (mut best_epoch, mut best_cost) = (None, f64::INFINITY);

        for epoch in 1..=self.epochs {
            let rate = T::from_f64(self.schedule.rate(base, epoch - 1));
            optimizer.set_learning_rate(rate).map_err(|why| {
                Error::invalid(format!("the schedule's rate for epoch {epoch}: {why}"))
            })?;
            history.learning_rates.push(rate.to_f64());
            if self.shuffle {
                rng.shuffle(&mut order);
            }
            self.epoch::<T, N, L, P, I, O>(net, loss, optimizer, train, &order)?;

            let evaluated = self.evaluate_every > 0
                && (epoch % self.evaluate_every == 0 || epoch == self.epochs);
            let on_train = match evaluated {
                true => Some(evaluate::<T, N, L, I, O>(net, loss, train)?),
                false => None,
            };
            let parameter = first_non_finite(net);
            if parameter.is_some() || on_train.is_some_and(|t| !t.cost.is_finite()) {
                let cost = match on_train {
                    Some(t) => t.cost,
                    None => evaluate::<T, N, L, I, O>(net, loss, train)?.cost,
                };
                return Err(Error::Diverged {
                    epoch,
                    cost,
                    parameter: parameter.map(|(name, value)| (name, value.to_f64())),
                });
            }
            let on_test = match (evaluated, test) {
                (true, Some(test)) => Some(evaluate::<T, N, L, I, O>(net, loss, test)?),
                _ => None,
            };
            if let Some(t) = on_train {
                history.train.push(t);
                history.evaluated.push(epoch);
            }
            if let Some(t) = on_test {
                history.test.push(t);
            }

            let mut stop = false;
            if let (Some(patience), Some(best)) = (self.patience, best.as_deref_mut()) {
                if let Some(validation) = on_test {
                    if validation.cost < best_cost {
                        (best_epoch, best_cost) = (Some(epoch), validation.cost);
                        copy_parameters(net, best);
                    }
                    stop = epoch - best_epoch.unwrap_or(0) >= patience;
                }
            }

            if self.report_every > 0 && (epoch % self.report_every == 0 || epoch == self.epochs) {
                eprintln!("{}", progress_line(epoch, self.epochs, on_train, on_test));
            }
            let report = EpochReport {
                epoch,
                epochs: self.epochs,
                learning_rate: rate.to_f64(),
                train: on_train,
                test: on_test,
                best_epoch,
                net: &*net,
            };
            stop |= callback(&report) == Control::Stop;
            if stop && epoch < self.epochs {
                history.stopped_at = Some(epoch);
                break;
            }
        }
        if let (Some(best), Some(_)) = (best.as_deref(), best_epoch) {
            copy_parameters(best, net);
        }
        history.best_epoch = best_epoch;
        Ok(history)
    }
}

/// Copies every parameter of `from` into `to`, block by block: no temporary network.
fn copy_parameters<T: Scalar, N: Parameters<T>>(from: &N, to: &mut N) {
    for (to, from) in to.blocks_mut().zip(from.blocks()) {
        to.copy_from_slice(from);
    }
}

impl<const M: usize, S: Schedule> Trainer<M, S> {
    /// One epoch over the examples `order` (indices into `data`), in that order, with
    /// this trainer's descent; no shuffling, evaluation or report. [`fit`](Trainer::fit)
    /// calls it once per epoch.
    ///
    /// # Errors
    /// [`Error::Invalid`] if an index is out of range (naming its position in `order`) or
    /// the data set does not have `I` features. Both are checked before the first step, so
    /// on error `net` and `optimizer` are unchanged.
    pub fn epoch<T, N, L, P, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        data: &Dataset<T>,
        order: &[usize],
    ) -> Result<()>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
    {
        if M == 0 {
            return Err(Error::invalid("the batch size M must be at least 1"));
        }
        data.check_features::<I>()?;
        check_order(data, order)?;
        // Gradients and scratch space live on the heap: for large networks they are
        // hundreds of kilobytes each.
        let mut grads: Box<N> = Box::default();
        let mut chunk_grads: Box<N> = Box::default();
        let mut example_grads: Box<N> = Box::default();
        match self.descent {
            Descent::MiniBatch => {
                for chunk in order.chunks(M) {
                    chunk_gradient::<T, N, L, I, O, M>(
                        net,
                        loss,
                        data,
                        chunk,
                        &mut grads,
                        &mut example_grads,
                    )?;
                    optimizer.step(net, &grads);
                }
            }
            Descent::Batch => {
                grads.set_zero();
                for chunk in order.chunks(M) {
                    chunk_gradient::<T, N, L, I, O, M>(
                        net,
                        loss,
                        data,
                        chunk,
                        &mut chunk_grads,
                        &mut example_grads,
                    )?;
                    // ∂J/∂θ over n = Σ_chunks (mₖ / n) · (mean gradient of chunk k)
                    let weight = T::from_usize(chunk.len()) / T::from_usize(order.len());
                    grads.add_scaled(weight, &chunk_grads);
                }
                optimizer.step(net, &grads);
            }
        }
        Ok(())
    }
}

/// One line of progress: epoch, and the training and test sets' cost and accuracy if
/// this epoch was evaluated.
fn progress_line(
    epoch: usize,
    epochs: usize,
    train: Option<Evaluation>,
    test: Option<Evaluation>,
) -> String {
    let width = epochs.to_string().len();
    let mut line = format!("epoch {epoch:>width$}/{epochs}");
    for (name, evaluation) in [("train", train), ("test", test)] {
        if let Some(e) = evaluation {
            line.push_str(&format!(
                "  {name} cost {:.5}  accuracy {:6.2} %",
                e.cost,
                100.0 * e.accuracy
            ));
        }
    }
    line
}

/// Every index of `order` must be an example of `data`: checked before the first step,
/// so that a bad list changes nothing.
fn check_order<T: Scalar>(data: &Dataset<T>, order: &[usize]) -> Result<()> {
    match order.iter().position(|&i| i >= data.len()) {
        Some(position) => Err(Error::invalid(format!(
            "position {position} of the example order is index {}, but {} has {} examples \
             (indices 0 to {})",
            order[position],
            data.name(),
            data.len(),
            data.len().saturating_sub(1)
        ))),
        None => Ok(()),
    }
}

/// The first parameter of `net` that is not finite, by its seed name, and its value.
fn first_non_finite<T: Scalar, N: Parameters<T>>(net: &N) -> Option<(String, T)> {
    let k = net.blocks().flatten().position(|v| !v.is_finite())?;
    let value = net.parameter(k)?;
    Some((net.parameter_name(k).unwrap_or_default(), value))
}

/// The mean gradient of the cost over the examples `chunk` (at most `M` of them), in
/// `out`. A full chunk is one `(I, M)` batch; a shorter last chunk is the mean of its
/// single-example gradients, computed in `scratch`.
fn chunk_gradient<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
    chunk: &[usize],
    out: &mut N,
    scratch: &mut N,
) -> Result<()>
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
        + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    if chunk.len() == M {
        let mut x = Matrix::<T, I, M>::zeros();
        let mut y = Matrix::<T, O, M>::zeros();
        for (k, &i) in chunk.iter().enumerate() {
            let (xi, yi) = example::<T, I, O>(data, i)?;
            x.set_column(k, &xi);
            y.set_column(k, &yi);
        }
        network::gradients(net, loss, &x, &y, out);
    } else {
        out.set_zero();
        let weight = T::ONE / T::from_usize(chunk.len());
        for &i in chunk {
            let (x, y) = example::<T, I, O>(data, i)?;
            network::gradients(net, loss, &x, &y, scratch);
            out.add_scaled(weight, scratch);
        }
    }
    Ok(())
}
