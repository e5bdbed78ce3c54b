//! What training reports: evaluations, the history of a run, and what the callback of
//! [`Trainer::fit_with`](super::Trainer::fit_with) sees and answers.

/// The cost and accuracy of a network on a data set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    /// The mean loss over the examples, `J = (1/n) Σᵢ L(ŷ(i), y(i))` \[C6\].
    pub cost: f64,
    /// The fraction of examples classified correctly: `ŷ ≥ ½` against a 0/1 label for one
    /// output, the largest output against a class index for several.
    pub accuracy: f64,
}

/// What happened during training: evaluations, learning rates, where it stopped.
///
/// With the default of evaluating after every epoch, `train[e − 1]` is the evaluation
/// after epoch `e`. In general `train[i]` and `test[i]` were taken after epoch
/// `evaluated[i]`.
#[cfg(feature = "std")]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The training set's evaluation after each evaluated epoch.
    pub train: Vec<Evaluation>,
    /// The test set's evaluation after each evaluated epoch (empty without a test set).
    pub test: Vec<Evaluation>,
    /// The epochs (counted from 1) after which `train` and `test` were evaluated, in
    /// order: `1, 2, …` by default, `k, 2k, …` and the last epoch with
    /// [`Trainer::evaluate_every`](super::Trainer::evaluate_every)`(k)`, none with [`Trainer::evaluate_never`](super::Trainer::evaluate_never).
    pub evaluated: Vec<usize>,
    /// The learning rate of each epoch trained, as the optimizer used it (`f64`); its
    /// length is the number of epochs trained.
    pub learning_rates: Vec<f64>,
    /// The epoch after which training stopped before the planned number of epochs, by
    /// early stopping or by the callback of [`Trainer::fit_with`](super::Trainer::fit_with); `None` if it ran them
    /// all.
    pub stopped_at: Option<usize>,
    /// With early stopping, the epoch of lowest validation cost, whose parameters the
    /// network holds when `fit` returns; `None` without early stopping (or if no
    /// validation cost was ever finite, in which case the network is left as it is).
    pub best_epoch: Option<usize>,
}

#[cfg(feature = "std")]
impl History {
    /// The number of epochs trained.
    pub fn epochs_trained(&self) -> usize {
        self.learning_rates.len()
    }

    /// The evaluations on the training and the test set after epoch `epoch`, if it was
    /// evaluated (the test set's is `None` without a test set).
    pub fn at(&self, epoch: usize) -> Option<(Evaluation, Option<Evaluation>)> {
        let i = self.evaluated.binary_search(&epoch).ok()?;
        Some((*self.train.get(i)?, self.test.get(i).copied()))
    }
}

/// What [`Trainer::fit_with`](super::Trainer::fit_with)'s callback sees after each epoch.
#[derive(Clone, Copy, Debug)]
pub struct EpochReport<'a, N> {
    /// The epoch just trained, counted from 1.
    pub epoch: usize,
    /// The number of epochs planned.
    pub epochs: usize,
    /// The learning rate this epoch was trained with.
    pub learning_rate: f64,
    /// The training set's evaluation after this epoch, if it was evaluated.
    pub train: Option<Evaluation>,
    /// The test (validation) set's evaluation after this epoch, if it was evaluated and
    /// there is a test set.
    pub test: Option<Evaluation>,
    /// With early stopping, the epoch of lowest validation cost so far.
    pub best_epoch: Option<usize>,
    /// The network after this epoch.
    pub net: &'a N,
}

/// The answer of [`Trainer::fit_with`](super::Trainer::fit_with)'s callback: go on, or stop after this epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Train the next epoch.
    Continue,
    /// Stop now; [`History::stopped_at`] records the epoch.
    Stop,
}
