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
//! After each epoch the trainer evaluates the cost and accuracy on the training set (and
//! the test set, if given), reports them on stderr (unless quiet) and stops with
//! [`Error::Diverged`] if the cost is NaN or infinite.

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

/// When the optimizer steps: after every batch, or once per epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// A step after each batch of `M` examples (stochastic when `M = 1`) [C5, C6].
    MiniBatch,
    /// One step per epoch, on the mean gradient over all examples \[C6\].
    Batch,
}

/// The cost and accuracy of a network on a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// The mean loss over the examples, `J = (1/n) Σᵢ L(ŷ(i), y(i))` \[C6\].
    pub cost: f64,
    /// The fraction of examples classified correctly: `ŷ ≥ ½` against a 0/1 label for one
    /// output, the largest output against a class index for several.
    pub accuracy: f64,
}

/// Cost and accuracy per epoch, as training went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The training set's evaluation after each epoch.
    pub train: Vec<Evaluation>,
    /// The test set's evaluation after each epoch (empty without a test set).
    pub test: Vec<Evaluation>,
}

/// How to train: batch size `M` (a const), number of epochs, schedule, shuffling and
/// progress reports.
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
pub struct Trainer<const M: usize> {
    epochs: usize,
    schedule: Schedule,
    seed: u64,
    shuffle: bool,
    report_every: usize,
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
            schedule: Schedule::MiniBatch,
            seed: 0,
            shuffle: true,
            report_every: 1,
        }
    }

    /// Batch gradient descent: one step per epoch on the gradient over all examples,
    /// accumulated in chunks of `M` \[C6\].
    pub fn batch(epochs: usize) -> Self {
        Trainer {
            schedule: Schedule::Batch,
            ..Self::mini_batch(epochs)
        }
    }

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

    /// The schedule.
    pub fn schedule(&self) -> Schedule {
        self.schedule
    }

    /// Trains `net` on `train` and returns the per-epoch costs and accuracies.
    ///
    /// # Errors
    /// - [`Error::Invalid`] if the data set is empty, its feature count is not the
    ///   network's input size `I`, a label is not one the loss can learn from
    ///   ([`Loss::check_label`]: a class index below `O` for several outputs, 0 or 1 for a
    ///   sigmoid cross-entropy, and softmax needs `O ≥ 2`), a parameter is NaN or infinite
    ///   before training, or `epochs` or `M` is 0;
    /// - [`Error::Diverged`] as soon as an epoch ends with a training cost or a parameter
    ///   that is NaN or infinite, naming the epoch and the first such parameter.
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
        if self.epochs == 0 {
            return Err(Error::invalid("the number of epochs must be at least 1"));
        }
        check_data::<T, L, I, O>(train, loss, "training")?;
        if let Some(test) = test {
            check_data::<T, L, I, O>(test, loss, "test")?;
        }
        if let Some((name, value)) = first_non_finite(net) {
            return Err(Error::invalid(format!(
                "parameter {name} is {value} before training: initialise the network \
                 (Parameters::initialize) or load finite weights"
            )));
        }

        let n = train.len();
        let mut order: Vec<usize> = (0..n).collect();
        let mut rng = Rng::new(self.seed);
        let mut history = History::default();

        for epoch in 1..=self.epochs {
            if self.shuffle {
                rng.shuffle(&mut order);
            }
            self.epoch::<T, N, L, P, I, O>(net, loss, optimizer, train, &order)?;

            let on_train = evaluate::<T, N, L, I, O>(net, loss, train)?;
            let parameter = first_non_finite(net);
            if !on_train.cost.is_finite() || parameter.is_some() {
                return Err(Error::Diverged {
                    epoch,
                    cost: on_train.cost,
                    parameter: parameter.map(|(name, value)| (name, value.to_f64())),
                });
            }
            history.train.push(on_train);
            if let Some(test) = test {
                history
                    .test
                    .push(evaluate::<T, N, L, I, O>(net, loss, test)?);
            }
            if self.report_every > 0 && (epoch % self.report_every == 0 || epoch == self.epochs) {
                eprintln!("{}", progress_line(epoch, self.epochs, &history));
            }
        }
        Ok(history)
    }
}

impl<const M: usize> Trainer<M> {
    /// One epoch over the examples `order` (indices into `data`), in that order, with
    /// this trainer's schedule; no shuffling, evaluation or report. [`fit`](Trainer::fit)
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
        match self.schedule {
            Schedule::MiniBatch => {
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
            Schedule::Batch => {
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

/// One line of progress: epoch, training cost and accuracy, and the test set's if any.
fn progress_line(epoch: usize, epochs: usize, history: &History) -> String {
    let width = epochs.to_string().len();
    let mut line = String::new();
    if let Some(t) = history.train.last() {
        line = format!(
            "epoch {epoch:>width$}/{epochs}  train cost {:.5}  accuracy {:6.2} %",
            t.cost,
            100.0 * t.accuracy
        );
    }
    if let Some(t) = history.test.last() {
        line.push_str(&format!(
            "  test cost {:.5}  accuracy {:6.2} %",
            t.cost,
            100.0 * t.accuracy
        ));
    }
    line
}

/// The data set must be non-empty, have `I` features, and labels that `loss` can learn
/// from with `O` outputs ([`Loss::check_label`]).
fn check_data<T: Scalar, L: Loss<T>, const I: usize, const O: usize>(
    data: &Dataset<T>,
    loss: &L,
    which: &str,
) -> Result<()> {
    if data.is_empty() {
        return Err(Error::invalid(format!("the {which} set has no examples")));
    }
    data.check_features::<I>()?;
    for (i, &label) in data.labels().iter().enumerate() {
        loss.check_label(label.to_f64(), O).map_err(|why| {
            Error::invalid(format!(
                "example {i} of the {which} set ({}): {why} (loss {loss:?})",
                data.name()
            ))
        })?;
    }
    Ok(())
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

/// The target column for a label: the label itself for one output, one-hot otherwise.
fn target<T: Scalar, const O: usize>(label: T) -> Matrix<T, O, 1> {
    if O == 1 {
        Matrix::filled(label)
    } else {
        let class = label.to_f64() as usize;
        Matrix::from_fn(|k, _| if k == class { T::ONE } else { T::ZERO })
    }
}

/// One example as a column `x` and its target column.
fn example<T: Scalar, const I: usize, const O: usize>(
    data: &Dataset<T>,
    i: usize,
) -> Result<(Matrix<T, I, 1>, Matrix<T, O, 1>)> {
    let (x, label) = data.example::<I>(i)?;
    Ok((x, target(label)))
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

/// The cost and accuracy of `net` on every example of `data`.
///
/// # Errors
/// [`Error::Invalid`] if the data set is empty or does not have `I` features.
pub fn evaluate<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Evaluation>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    check_data::<T, L, I, O>(data, loss, "evaluation")?;
    let (mut cost, mut correct) = (0.0f64, 0usize);
    for i in 0..data.len() {
        let (x, y) = example::<T, I, O>(data, i)?;
        let output = net.predict(&x);
        cost += loss.cost(&output, &y).to_f64();
        if is_correct(&loss.predict(&output), data.label(i)) {
            correct += 1;
        }
    }
    let n = data.len() as f64;
    Ok(Evaluation {
        cost: cost / n,
        accuracy: correct as f64 / n,
    })
}

/// The network's prediction for each example of `data`: `ŷ` for one output (the
/// probability of class 1 with a sigmoid loss), the predicted class index for several.
///
/// # Errors
/// [`Error::Invalid`] if the data set does not have `I` features.
pub fn predictions<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Vec<T>>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    data.check_features::<I>()?;
    let mut out = Vec::with_capacity(data.len());
    for i in 0..data.len() {
        let (x, _) = data.example::<I>(i)?;
        let y_hat = network::predict(net, loss, &x);
        out.push(if O == 1 {
            y_hat[(0, 0)]
        } else {
            T::from_usize(y_hat.argmax().map_or(0, |(k, _)| k))
        });
    }
    Ok(out)
}

fn is_correct<T: Scalar, const O: usize>(y_hat: &Matrix<T, O, 1>, label: T) -> bool {
    if O == 1 {
        (y_hat[(0, 0)] >= T::HALF) == (label >= T::HALF)
    } else {
        y_hat.argmax().map(|(k, _)| k as f64) == Some(label.to_f64())
    }
}
