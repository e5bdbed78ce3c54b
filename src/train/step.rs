//! The training loop itself, shared by the two ways of giving it data: a [`Dataset`]
//! ([`Trainer::fit`], needs `std`) and a borrowed slice of examples
//! ([`Trainer::fit_examples`], no allocator). Each hands this loop a [`Source`] of
//! examples and the scratch networks it needs; the loop does the epochs.
//!
//! [`Dataset`]: crate::data::Dataset
//! [`Trainer::fit`]: super::Trainer::fit

use crate::error::{Error, Result, invalid};
use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::{Matrix, Vector};
use crate::network;
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::scalar::Scalar;
use crate::schedule::Schedule;

use super::{
    Control, Descent, EpochReport, Evaluation, Trainer, copy_parameters, first_non_finite,
};

/// Where the loop takes its examples from: `len()` of them, reordered by `shuffle` at
/// the start of each epoch, read by position.
pub(super) trait Source<T: Scalar, const I: usize, const O: usize> {
    /// How many examples there are (at least 1: the callers check).
    fn len(&self) -> usize;
    /// Reorders the examples with `rng` (the same swaps for every source, so that the
    /// same seed visits the same examples in the same order).
    fn shuffle(&mut self, rng: &mut Rng);
    /// The `k`-th example in the current order: its `I` input values, borrowed, and its
    /// target column.
    fn example(&self, k: usize) -> Result<(&[T], Vector<T, O>)>;
    /// The cost and accuracy of `net` on every example, `M` at a time.
    fn evaluate<N, L, const M: usize>(&self, net: &N, loss: &L) -> Result<Evaluation>
    where
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>;
}

/// The gradients an epoch works in: the gradient of a step, a chunk's gradient (batch
/// descent) and one example's gradient (a short last chunk).
pub(super) struct Gradients<'a, N> {
    pub step: &'a mut N,
    pub chunk: &'a mut N,
    pub example: &'a mut N,
}

/// The networks the loop works in, besides the one it trains: the [`Gradients`] and the
/// best network so far (needed with early stopping only). The `Dataset` trainer keeps them on the heap;
/// [`Trainer::fit_examples`](super::Trainer::fit_examples) on its stack.
pub(super) struct Scratch<'a, N> {
    pub gradients: Gradients<'a, N>,
    pub best: Option<&'a mut N>,
}

/// What a training run did, beyond the trained network: how many epochs it trained,
/// where it stopped, and the last evaluations.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fitted {
    /// Epochs trained (fewer than asked for if training stopped early).
    pub epochs_trained: usize,
    /// The epoch after which training stopped early (a callback's
    /// [`Control::Stop`] or early stopping's patience ran out), `None` if it ran every
    /// epoch.
    pub stopped_at: Option<usize>,
    /// With early stopping, the epoch with the lowest validation cost, whose parameters
    /// the network holds at the end.
    pub best_epoch: Option<usize>,
    /// The last evaluation on the training examples, if any epoch was evaluated.
    pub train: Option<Evaluation>,
    /// The last evaluation on the test (validation) examples, if any.
    pub test: Option<Evaluation>,
}

impl<const M: usize, S: Schedule> Trainer<M, S> {
    /// The loop of `fit_with` and `fit_examples_with`: checks the trainer's own settings
    /// and the network, runs the epochs, and gives the optimizer its learning rate back.
    /// The caller has checked its data.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run<T, N, L, P, Src, E, F, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        source: &mut Src,
        test: Option<E>,
        scratch: Scratch<'_, N>,
        callback: &mut F,
    ) -> Result<Fitted>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
        Src: Source<T, I, O>,
        E: Fn(&N) -> Result<Evaluation>,
        F: FnMut(&EpochReport<'_, N>) -> Control,
    {
        if self.epochs == 0 {
            return Err(Error::invalid("the number of epochs must be at least 1"));
        }
        if M == 0 {
            return Err(Error::invalid("the batch size M must be at least 1"));
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
            return Err(invalid!(
                "parameter {name} is {value} before training: initialise the network \
                 (Parameters::initialize) or load finite weights"
            ));
        }
        let base = optimizer.learning_rate();
        let result = self.epochs_of(net, loss, optimizer, source, test, scratch, callback);
        // The schedule changed the rate epoch by epoch; the optimizer gets its own back.
        let restored = optimizer.set_learning_rate(base);
        let fitted = result?;
        restored?;
        Ok(fitted)
    }

    /// The epochs of [`run`](Trainer::run), once everything is checked.
    #[allow(clippy::too_many_arguments)]
    fn epochs_of<T, N, L, P, Src, E, F, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        source: &mut Src,
        test: Option<E>,
        scratch: Scratch<'_, N>,
        callback: &mut F,
    ) -> Result<Fitted>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
        Src: Source<T, I, O>,
        E: Fn(&N) -> Result<Evaluation>,
        F: FnMut(&EpochReport<'_, N>) -> Control,
    {
        let mut rng = Rng::new(self.seed);
        let base = optimizer.learning_rate().to_f64();
        let mut fitted = Fitted::default();
        let mut best_cost = f64::INFINITY;
        let Scratch {
            gradients,
            mut best,
        } = scratch;

        for epoch in 1..=self.epochs {
            let rate = T::from_f64(self.schedule.rate(base, epoch - 1));
            optimizer
                .set_learning_rate(rate)
                .map_err(|why| invalid!("the schedule's rate for epoch {epoch}: {why}"))?;
            if self.shuffle {
                source.shuffle(&mut rng);
            }
            descend::<T, N, L, P, I, O, M>(
                self.descent,
                net,
                loss,
                optimizer,
                source.len(),
                |k| source.example(k),
                Gradients {
                    step: &mut *gradients.step,
                    chunk: &mut *gradients.chunk,
                    example: &mut *gradients.example,
                },
            )?;
            fitted.epochs_trained = epoch;

            let evaluated = self.evaluate_every > 0
                && (epoch % self.evaluate_every == 0 || epoch == self.epochs);
            let on_train = match evaluated {
                true => Some(source.evaluate::<N, L, M>(net, loss)?),
                false => None,
            };
            let parameter = first_non_finite(net);
            if parameter.is_some() || on_train.is_some_and(|t| !t.cost.is_finite()) {
                let cost = match on_train {
                    Some(t) => t.cost,
                    None => source.evaluate::<N, L, M>(net, loss)?.cost,
                };
                return Err(Error::Diverged {
                    epoch,
                    cost,
                    parameter: parameter.map(|(name, value)| (name, value.to_f64())),
                });
            }
            let on_test = match (evaluated, &test) {
                (true, Some(test)) => Some(test(net)?),
                _ => None,
            };
            fitted.train = on_train.or(fitted.train);
            fitted.test = on_test.or(fitted.test);

            let mut stop = false;
            if let (Some(patience), Some(validation), Some(best)) =
                (self.patience, on_test, best.as_deref_mut())
            {
                if validation.cost < best_cost {
                    (fitted.best_epoch, best_cost) = (Some(epoch), validation.cost);
                    copy_parameters(net, best);
                }
                stop = epoch - fitted.best_epoch.unwrap_or(0) >= patience;
            }
            let report = EpochReport {
                epoch,
                epochs: self.epochs,
                learning_rate: rate.to_f64(),
                train: on_train,
                test: on_test,
                best_epoch: fitted.best_epoch,
                net: &*net,
            };
            stop |= callback(&report) == Control::Stop;
            if stop && epoch < self.epochs {
                fitted.stopped_at = Some(epoch);
                break;
            }
        }
        if let (Some(_), Some(best)) = (fitted.best_epoch, best) {
            copy_parameters(best, net);
        }
        Ok(fitted)
    }
}

/// One epoch's steps over the examples `0..n` of `example`, in that order: a step per
/// chunk of `M` (mini-batch, stochastic when `M = 1`) or one step on the mean gradient
/// of all `n` (batch) [C5, C6, C7].
pub(super) fn descend<'a, T, N, L, P, const I: usize, const O: usize, const M: usize>(
    descent: Descent,
    net: &mut N,
    loss: &L,
    optimizer: &mut P,
    n: usize,
    example: impl Fn(usize) -> Result<(&'a [T], Vector<T, O>)>,
    gradients: Gradients<'_, N>,
) -> Result<()>
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
        + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
    P: Optimizer<T, N>,
{
    let Gradients {
        step: grads,
        chunk: chunk_grads,
        example: example_grads,
    } = gradients;
    let mut buffers = StepBuffers::<T, N, I, O, M>::default();
    match descent {
        Descent::MiniBatch => {
            for start in (0..n).step_by(M) {
                let chunk = start..n.min(start + M);
                chunk_gradient::<T, N, L, I, O, M>(
                    net,
                    loss,
                    chunk,
                    &example,
                    grads,
                    example_grads,
                    &mut buffers,
                )?;
                optimizer.step(net, grads);
            }
        }
        Descent::Batch => {
            grads.set_zero();
            for start in (0..n).step_by(M) {
                let chunk = start..n.min(start + M);
                // ∂J/∂θ over n = Σ_chunks (mₖ / n) · (mean gradient of chunk k)
                let weight = T::from_usize(chunk.len()) / T::from_usize(n);
                chunk_gradient::<T, N, L, I, O, M>(
                    net,
                    loss,
                    chunk,
                    &example,
                    chunk_grads,
                    example_grads,
                    &mut buffers,
                )?;
                grads.add_scaled(weight, chunk_grads);
            }
            optimizer.step(net, grads);
        }
    }
    Ok(())
}

/// What the steps of one epoch fill and compute in, held across them so that each is
/// zeroed once per epoch rather than once per step: the `(I, M)` batch and its targets,
/// and the [`Workspace`](network::Workspace)s of a batch's and of one example's forward
/// pass. Every step overwrites what it uses, so the results are the same bits.
///
/// The batch comes first and the whole is aligned to a cache line, so that the rows of
/// `x` start on lines whenever `M` fills whole lines (16 `f32`): the products of a large
/// first layer read `x` in place instead of copying it block by block.
#[repr(C, align(64))]
struct StepBuffers<T, N, const I: usize, const O: usize, const M: usize>
where
    T: Scalar,
    N: Layer<T, M> + Layer<T, 1>,
{
    x: Matrix<T, I, M>,
    y: Matrix<T, O, M>,
    batch: network::Workspace<T, N, M>,
    example: network::Workspace<T, N, 1>,
}

impl<T, N, const I: usize, const O: usize, const M: usize> Default for StepBuffers<T, N, I, O, M>
where
    T: Scalar,
    N: Layer<T, M> + Layer<T, 1>,
{
    fn default() -> Self {
        StepBuffers {
            x: Matrix::zeros(),
            y: Matrix::zeros(),
            batch: Default::default(),
            example: Default::default(),
        }
    }
}

/// The mean gradient of the cost over the examples `chunk` (at most `M` of them), in
/// `out`. A full chunk is one `(I, M)` batch; a shorter last chunk is the mean of its
/// single-example gradients, computed in `scratch` (nothing dropped, nothing padded).
#[allow(clippy::too_many_arguments)]
fn chunk_gradient<'a, T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    chunk: core::ops::Range<usize>,
    example: &impl Fn(usize) -> Result<(&'a [T], Vector<T, O>)>,
    out: &mut N,
    scratch: &mut N,
    buffers: &mut StepBuffers<T, N, I, O, M>,
) -> Result<()>
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
        + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    let StepBuffers {
        x,
        y,
        batch,
        example: single,
    } = buffers;
    if chunk.len() == M {
        let mut inputs: [&[T]; M] = [&[]; M];
        for ((column, k), input) in chunk.enumerate().zip(&mut inputs) {
            let (xk, yk) = example(k)?;
            *input = xk;
            y.set_column(column, &yk);
        }
        x.set_columns(&inputs)?;
        network::gradients_in(batch, net, loss, x, y, out);
    } else {
        out.set_zero();
        let weight = T::ONE / T::from_usize(chunk.len());
        for k in chunk {
            let (xk, y) = example(k)?;
            let mut x = Matrix::<T, I, 1>::zeros();
            x.set_columns(&[xk])?;
            network::gradients_in(single, net, loss, &x, &y, scratch);
            out.add_scaled(weight, scratch);
        }
    }
    Ok(())
}
