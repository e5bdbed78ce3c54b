//! Training on a borrowed slice of examples, with no allocator: [`Trainer::fit_examples`]
//! and [`evaluate_examples`]. This is the trainer of `default-features = false` (a
//! microcontroller, a `static` network): the examples are the caller's, shuffled in
//! place; the gradients and scratch networks are on the stack.

use crate::error::{Error, Result, invalid};
use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::{Matrix, Vector};
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::scalar::Scalar;
use crate::schedule::Schedule;

use super::step::{Fitted, Gradients, Scratch, Source};
use super::{Control, EpochReport, Evaluation, Trainer};

/// One training example: the input column `x` (`I` features) and the target column `y`
/// (`O` outputs: the label for one output, 0 or 1 for a sigmoid; the one-hot class for
/// several).
pub type Example<T, const I: usize, const O: usize> = (Vector<T, I>, Vector<T, O>);

/// The caller's examples as the loop sees them: shuffled in place.
struct InPlace<'a, T, const I: usize, const O: usize>(&'a mut [Example<T, I, O>]);

impl<T: Scalar, const I: usize, const O: usize> Source<T, I, O> for InPlace<'_, T, I, O> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn shuffle(&mut self, rng: &mut Rng) {
        rng.shuffle(self.0);
    }

    fn example(&self, k: usize) -> Result<(&[T], Vector<T, O>)> {
        slice_example(self.0, k)
    }

    fn evaluate<N, L, const M: usize>(&self, net: &N, loss: &L) -> Result<Evaluation>
    where
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
    {
        in_batches::<T, N, L, I, O, M>(net, loss, self.0.len(), |k| slice_example(self.0, k))
    }
}

/// Example `k` of `examples`: its input values, borrowed, and its target column.
fn slice_example<T: Scalar, const I: usize, const O: usize>(
    examples: &[Example<T, I, O>],
    k: usize,
) -> Result<(&[T], Vector<T, O>)> {
    let (x, y) = &examples[k];
    Ok((x.as_slice(), *y))
}

impl<const M: usize, S: Schedule> Trainer<M, S> {
    /// Trains `net` on `train`, a slice of examples the caller owns, with no allocation:
    /// the same epochs as [`fit`](Trainer::fit) (schedule, shuffle, mini-batch, batch or
    /// stochastic descent, evaluation, divergence check, early stopping on `test`), but
    /// nothing is printed and no history is kept; [`Fitted`] says how the run ended.
    ///
    /// The shuffle reorders `train` itself, with the same swaps that `fit` applies to
    /// its list of indices, so the same examples in the same first order and the same
    /// seed give the same trained network, bit for bit, as `fit` on a
    /// [`Dataset`](crate::data::Dataset) holding them. The gradients, the scratch
    /// networks and one `(I, M)` batch are on the stack: for networks of more than a few
    /// thousand parameters use `fit`, which keeps them on the heap.
    ///
    /// ```
    /// use backprop::network::{self, SeedLoss};
    /// use backprop::optim::Sgd;
    /// use backprop::rng::Rng;
    /// use backprop::train::{Example, Trainer};
    /// use backprop::Matrix;
    ///
    /// // Sixteen points of the seed's shape: label 1 when the features sum above 0.
    /// let mut examples: [Example<f64, 3, 1>; 16] = core::array::from_fn(|k| {
    ///     let x = Matrix::from_fn(|i, _| ((k * 3 + i) * 7 % 11) as f64 / 5.0 - 1.0);
    ///     let label = if x.sum() > 0.0 { 1.0 } else { 0.0 };
    ///     (x, Matrix::from_column([label]))
    /// });
    /// let mut net = network::seed_network::<f64>(&mut Rng::new(7));
    /// let mut sgd = Sgd::new(0.1)?;
    /// let fitted = Trainer::<4>::mini_batch(200)
    ///     .fit_examples(&mut net, &SeedLoss::default(), &mut sgd, &mut examples, None)?;
    /// assert_eq!(fitted.epochs_trained, 200);
    /// assert_eq!(fitted.train.unwrap().accuracy, 1.0);
    /// # Ok::<(), backprop::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`fit_with`](Trainer::fit_with): [`Error::Invalid`] for an empty slice, a
    /// target the loss cannot learn from (naming the example), a non-finite input, and
    /// the trainer's own settings; [`Error::Diverged`] when training diverges.
    pub fn fit_examples<T, N, L, P, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        train: &mut [Example<T, I, O>],
        test: Option<&[Example<T, I, O>]>,
    ) -> Result<Fitted>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
    {
        self.fit_examples_with(net, loss, optimizer, train, test, |_| Control::Continue)
    }

    /// [`fit_examples`](Trainer::fit_examples), calling `callback` after every epoch
    /// with an [`EpochReport`] (training stops after an epoch whose callback returns
    /// [`Control::Stop`]), as [`fit_with`](Trainer::fit_with) does.
    ///
    /// # Errors
    /// As [`fit_examples`](Trainer::fit_examples).
    pub fn fit_examples_with<T, N, L, P, F, const I: usize, const O: usize>(
        &self,
        net: &mut N,
        loss: &L,
        optimizer: &mut P,
        train: &mut [Example<T, I, O>],
        test: Option<&[Example<T, I, O>]>,
        mut callback: F,
    ) -> Result<Fitted>
    where
        T: Scalar,
        N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
            + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
        L: Loss<T>,
        P: Optimizer<T, N>,
        F: FnMut(&EpochReport<'_, N>) -> Control,
    {
        check_examples(train, loss, "training")?;
        if let Some(test) = test {
            check_examples(test, loss, "test")?;
        }
        let (mut grads, mut chunk_grads, mut example_grads) =
            (N::default(), N::default(), N::default());
        let mut best = self.patience.map(|_| N::default());
        let scratch = Scratch {
            gradients: Gradients {
                step: &mut grads,
                chunk: &mut chunk_grads,
                example: &mut example_grads,
            },
            best: best.as_mut(),
        };
        let test = test.map(|test| {
            move |net: &N| {
                in_batches::<T, N, L, I, O, M>(net, loss, test.len(), |k| slice_example(test, k))
            }
        });
        self.run::<T, N, L, P, _, _, _, I, O>(
            net,
            loss,
            optimizer,
            &mut InPlace(train),
            test,
            scratch,
            &mut callback,
        )
    }
}

/// The mean cost and the accuracy of `net` on `examples`, with no allocation: the
/// prediction of one output counts as right when it is on the same side of ½ as the
/// target, that of several when its largest output is the target's largest.
///
/// # Errors
/// [`Error::Invalid`] if there are no examples, or an input or target is not finite.
pub fn evaluate_examples<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    examples: &[Example<T, I, O>],
) -> Result<Evaluation>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    in_batches::<T, N, L, I, O, 1>(net, loss, examples.len(), |k| slice_example(examples, k))
}

/// The cost and accuracy of `net` on `n` examples, read by `example(k)` for `k` in
/// `0..n`, each `M` as one `(I, M)` batch and the rest one at a time: the body of
/// `evaluate` and [`evaluate_examples`] (with `M = 1`) and of the trainer's evaluations
/// (with its batch size).
///
/// A batch's forward pass computes every column as the example's own does: each entry
/// of a product is summed in the order of `k` whatever the batch (see
/// `crate::matrix::kernels`), and the activations work entry by entry. The costs are
/// taken column by column and summed in the order of `k`, so the result is the same bits
/// as one example at a time (without the `fma` feature, which fuses only the products
/// large enough for its kernels, and a batch can cross that size where one example does
/// not). A network of 784 → 128 → 10 on 640 examples took 22.6 µs per example one at a
/// time, more than three times its training step per example.
pub(super) fn in_batches<'a, T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    n: usize,
    example: impl Fn(usize) -> Result<(&'a [T], Vector<T, O>)>,
) -> Result<Evaluation>
where
    T: Scalar + 'a,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>
        + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    if n == 0 {
        return Err(Error::invalid("there are no examples to evaluate"));
    }
    let (mut cost, mut correct) = (0.0f64, 0usize);
    let mut score = |output: &Vector<T, O>, y: &Vector<T, O>| {
        cost += loss.cost(output, y).to_f64();
        if is_correct(&loss.predict(output), label(y)) {
            correct += 1;
        }
    };
    let mut x = Matrix::<T, I, M>::zeros();
    let full = n - n % M;
    for start in (0..full).step_by(M) {
        let mut inputs: [&[T]; M] = [&[]; M];
        let mut targets = [Vector::<T, O>::zeros(); M];
        for ((input, target), k) in inputs.iter_mut().zip(&mut targets).zip(start..) {
            (*input, *target) = example(k)?;
        }
        x.set_columns(&inputs)?;
        let output = <N as Layer<T, M>>::predict(net, &x);
        for (j, y) in targets.iter().enumerate() {
            score(&output.column(j), y);
        }
    }
    for k in full..n {
        let (input, y) = example(k)?;
        let mut x = Vector::<T, I>::zeros();
        x.set_columns(&[input])?;
        score(&<N as Layer<T, 1>>::predict(net, &x), &y);
    }
    Ok(Evaluation {
        cost: cost / n as f64,
        accuracy: correct as f64 / n as f64,
    })
}

/// The label a target column stands for: its value for one output, the index of its
/// largest entry for several.
fn label<T: Scalar, const O: usize>(y: &Vector<T, O>) -> T {
    if O == 1 {
        y[(0, 0)]
    } else {
        T::from_usize(y.argmax().map_or(0, |(k, _)| k))
    }
}

/// Whether the prediction `y_hat` is the label's: the same side of ½ for one output,
/// the label's class as the arg max for several.
pub(super) fn is_correct<T: Scalar, const O: usize>(y_hat: &Vector<T, O>, label: T) -> bool {
    if O == 1 {
        (y_hat[(0, 0)] >= T::HALF) == (label >= T::HALF)
    } else {
        y_hat.argmax().map(|(k, _)| k as f64) == Some(label.to_f64())
    }
}

/// Every example must be finite, and its target one the loss can learn from
/// ([`Loss::check_label`] on the label the target stands for).
fn check_examples<T: Scalar, L: Loss<T>, const I: usize, const O: usize>(
    examples: &[Example<T, I, O>],
    loss: &L,
    which: &str,
) -> Result<()> {
    if examples.is_empty() {
        return Err(invalid!("the {which} set has no examples"));
    }
    for (k, (x, y)) in examples.iter().enumerate() {
        if let Some((i, value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(invalid!(
                "example {k} of the {which} set: feature {i} is {value}, not a finite number"
            ));
        }
        if let Some((i, value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(invalid!(
                "example {k} of the {which} set: target entry {i} is {value}, not a finite number"
            ));
        }
        loss.check_label(label(y).to_f64(), O)
            .map_err(|why| invalid!("example {k} of the {which} set: {why} (loss {loss:?})"))?;
    }
    Ok(())
}
