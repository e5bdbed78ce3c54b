//! The loop over a [`Dataset`]: [`Trainer::fit`], [`Trainer::fit_with`] and
//! [`Trainer::epoch`] (needs `std`). The epochs themselves are `train/step.rs`'s,
//! shared with [`Trainer::fit_examples`]; this file adapts a data set to them, keeps the
//! scratch networks on the heap, prints the progress and records the [`History`].

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::{Matrix, Vector};
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::scalar::Scalar;
use crate::schedule::Schedule;

use super::evaluate::{check_data, example};
use super::examples::in_batches;
use super::step::{Gradients, Scratch, Source, descend};
use super::{Control, EpochReport, Evaluation, History, Trainer};

/// A data set as the loop sees it: its examples in the order of `order`, which the
/// shuffle permutes (the data set itself is never reordered).
struct Shuffled<'a, T> {
    data: &'a Dataset<T>,
    order: Vec<usize>,
}

impl<T: Scalar, const I: usize, const O: usize> Source<T, I, O> for Shuffled<'_, T> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn shuffle(&mut self, rng: &mut Rng) {
        rng.shuffle(&mut self.order);
    }

    fn example(&self, k: usize) -> Result<(&[T], Vector<T, O>)> {
        example::<T, O>(self.data, self.order[k])
    }

    fn evaluate<N, L, const M: usize>(&self, net: &N, loss: &L) -> Result<Evaluation>
    where
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
    {
        in_batches::<T, N, L, I, O, M>(net, loss, self.data.len(), |i| {
            example::<T, O>(self.data, i)
        })
    }
}

impl<const M: usize, S: Schedule> Trainer<M, S> {
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
        check_data::<T, L, I, O>(train, loss, "training")?;
        if let Some(test) = test {
            check_data::<T, L, I, O>(test, loss, "test")?;
        }
        let mut source = Shuffled {
            data: train,
            order: (0..train.len()).collect(),
        };
        // Gradients and scratch space live on the heap: for large networks they are
        // hundreds of kilobytes each.
        let (mut grads, mut chunk_grads, mut example_grads): (Box<N>, Box<N>, Box<N>) =
            Default::default();
        let mut best: Option<Box<N>> = self.patience.map(|_| Box::default());
        let scratch = Scratch {
            gradients: Gradients {
                step: &mut *grads,
                chunk: &mut *chunk_grads,
                example: &mut *example_grads,
            },
            best: best.as_deref_mut(),
        };
        let mut history = History::default();
        let mut record = |report: &EpochReport<'_, N>| {
            history.learning_rates.push(report.learning_rate);
            if let Some(t) = report.train {
                history.train.push(t);
                history.evaluated.push(report.epoch);
            }
            if let Some(t) = report.test {
                history.test.push(t);
            }
            let (epoch, epochs) = (report.epoch, report.epochs);
            if self.report_every > 0 && (epoch % self.report_every == 0 || epoch == epochs) {
                eprintln!(
                    "{}",
                    progress_line(epoch, epochs, report.train, report.test)
                );
            }
            callback(report)
        };
        let test = test.map(|test| {
            move |net: &N| {
                in_batches::<T, N, L, I, O, M>(net, loss, test.len(), |i| example::<T, O>(test, i))
            }
        });
        let fitted = self.run::<T, N, L, P, _, _, _, I, O>(
            net,
            loss,
            optimizer,
            &mut source,
            test,
            scratch,
            &mut record,
        )?;
        history.stopped_at = fitted.stopped_at;
        history.best_epoch = fitted.best_epoch;
        Ok(history)
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
        let (mut grads, mut chunk_grads, mut example_grads): (Box<N>, Box<N>, Box<N>) =
            Default::default();
        descend::<T, N, L, P, I, O, M>(
            self.descent,
            net,
            loss,
            optimizer,
            order.len(),
            |k| example::<T, O>(data, order[k]),
            Gradients {
                step: &mut *grads,
                chunk: &mut *chunk_grads,
                example: &mut *example_grads,
            },
        )
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
