//! A trained classifier in one file: the network, the [`Standardizer`] its inputs were
//! scaled with, the loss it was trained with and the names of its classes, so that
//! another process can load it and classify raw feature values.
//!
//! ```
//! use backprop::data::{CsvOptions, Dataset, Standardizer};
//! use backprop::model::Model;
//! use backprop::rng::Rng;
//! use backprop::{Dense, Identity, Parameters, Relu, SigmoidCrossEntropy};
//!
//! type Net = (Dense<f64, 2, 4, Relu>, Dense<f64, 4, 1, Identity>);
//! let text = "height,weight,label\n150,50,0\n160,60,0\n180,80,1\n190,95,1\n";
//! let data = Dataset::<f64>::from_csv_str(text, "toy.csv", &CsvOptions::new().binary(true))?;
//! let mut net = Net::default();
//! net.initialize(&mut Rng::new(1));
//! // … train `net` on the standardised data …
//! let names = vec!["small".to_string(), "tall".to_string()];
//! let model = Model::new(net, SigmoidCrossEntropy, Standardizer::fit(&data)?, names)?;
//!
//! let text = model.to_string();
//! let back: Model<f64, Net, SigmoidCrossEntropy> = Model::from_str(&text, "toy model")?;
//! assert_eq!(back, model);
//! let prediction = back.predict_row(&[175.0, 70.0])?; // raw values, as in the CSV
//! assert_eq!(prediction.probabilities.len(), 2);      // [P(small), P(tall)]
//! assert_eq!(prediction.class_name, Some(["small", "tall"][prediction.class]));
//! assert!(back.predict_row(&[175.0]).is_err());       // a feature short
//! # Ok::<(), backprop::Error>(())
//! ```
//!
//! # The output link
//!
//! The model's type names its loss `L`, a [`ClassifierLoss`], and the file records the
//! loss's [`NAME`](ClassifierLoss::NAME); a file saved with another loss is refused. The
//! loss says how the network's output becomes probabilities ([`Loss::predict`]):
//!
//! - one output (binary): `p = σ(z)` for [`SigmoidCrossEntropy`] (whose network outputs
//!   the logit `z`), or the output itself for [`CrossEntropy`] (whose network ends in a
//!   sigmoid); the classes are 0 and 1, with probabilities `[1 − p, p]`, and the class
//!   is 1 when `p ≥ ½`, the rule of [`metrics::THRESHOLD`](crate::metrics::THRESHOLD);
//! - `K ≥ 2` outputs: `softmax(z)` for [`SoftmaxCrossEntropy`] (σ of each output for the
//!   other two), and the class is the output with the largest probability.
//!
//! # The format
//!
//! ```text
//! backprop model 1                    ← format name and version
//! scalar f64                          ← f32 or f64
//! loss sigmoid_cross_entropy          ← the loss's NAME: the output link
//! classes 2                           ← number of class names: 0, or one per class
//! class 0 malignant                   ← class index (the label value), then its name
//! class 1 benign
//! features 30                         ← the standardizer: number of features,
//! mean 14.1 19.2 …                    ←   each feature's mean,
//! scale 3.52 4.25 …                   ←   and its scale
//! backprop parameters 2               ← the network, in the format of `persist`
//! …
//! end
//! ```
//!
//! Numbers are written with Rust's shortest round-trip formatting and read back with the
//! standard parser, so a save and a load give the same parameters, means and scales bit
//! for bit. A class name is any non-empty text whose only whitespace is single spaces
//! between words (it is read back as the rest of its line, fields joined by one space).
//! The network part is read by [`persist`] and checked as it checks its
//! files: against the shapes and activations of `N`. Every error names the file, the
//! line and, where one field is at fault, its column.

use crate::data::Standardizer;
use crate::error::{Error, Result, quoted};
use crate::layer::Layer;
use crate::loss::{CrossEntropy, Loss, SigmoidCrossEntropy, SoftmaxCrossEntropy};
use crate::matrix::Matrix;
use crate::params::Parameters;
use crate::persist::{self, Lines};
use crate::scalar::Scalar;
use std::fmt::Write as _;
use std::path::Path;

/// The first line of a model file.
const MAGIC: &str = "backprop model 1";

/// A loss whose prediction is a class probability, with the name a model file records.
pub trait ClassifierLoss<T: Scalar>: Loss<T> {
    /// The name in a model file's `loss` line.
    const NAME: &'static str;
}

impl<T: Scalar> ClassifierLoss<T> for SigmoidCrossEntropy {
    const NAME: &'static str = "sigmoid_cross_entropy";
}

impl<T: Scalar> ClassifierLoss<T> for CrossEntropy {
    const NAME: &'static str = "cross_entropy";
}

impl<T: Scalar> ClassifierLoss<T> for SoftmaxCrossEntropy {
    const NAME: &'static str = "softmax_cross_entropy";
}

/// What a model says about one example.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction<'a, T> {
    /// The predicted class: the label value it was trained with (`0` or `1` for one
    /// output, `0 … K − 1` for `K`).
    pub class: usize,
    /// The predicted class's name, if the model has class names.
    pub class_name: Option<&'a str>,
    /// The probability of each class, by class index: `[1 − p, p]` for one output.
    pub probabilities: Vec<T>,
}

/// A network with the standardizer of its inputs, its loss and its class names: what it
/// takes to classify raw feature values (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct Model<T: Scalar, N, L> {
    network: N,
    loss: L,
    standardizer: Standardizer<T>,
    class_names: Vec<String>,
}

/// # Construction and access
impl<T, N, L, const I: usize, const O: usize> Model<T, N, L>
where
    T: Scalar,
    N: Parameters<T> + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: ClassifierLoss<T>,
{
    /// A model of a trained `network`, the `standardizer` fitted on its training data,
    /// and `class_names`: none, or one per class (2 for one output, `O` for several).
    ///
    /// # Errors
    /// [`Error::Invalid`] if the standardizer was not fitted on `I` features, the loss
    /// cannot train `O` outputs (softmax needs two), there is a number of class names
    /// other than 0 or the number of classes, a class name is empty or has whitespace
    /// other than single spaces between words, or a parameter is not finite.
    pub fn new(
        network: N,
        loss: L,
        standardizer: Standardizer<T>,
        class_names: Vec<String>,
    ) -> Result<Self> {
        if standardizer.mean().len() != I {
            return Err(Error::invalid(format!(
                "the network takes {I} inputs, but the standardizer was fitted on {} features",
                standardizer.mean().len()
            )));
        }
        loss.check_label(0.0, O)
            .map_err(|why| Error::invalid(format!("loss {}: {why}", L::NAME)))?;
        let classes = class_count(O);
        if !class_names.is_empty() && class_names.len() != classes {
            return Err(Error::invalid(format!(
                "a network with {O} output(s) has {classes} classes, but {} class names \
                 were given (give one per class, or none)",
                class_names.len()
            )));
        }
        if let Some(name) = class_names.iter().find(|n| !reads_back(n)) {
            return Err(Error::invalid(format!(
                "the class name {} cannot be saved: it must be non-empty and its only \
                 whitespace single spaces between words",
                quoted(name)
            )));
        }
        if let Some(k) = network.blocks().flatten().position(|v| !v.is_finite()) {
            return Err(Error::invalid(format!(
                "parameter {} of the network is not finite",
                network.parameter_name(k).unwrap_or_default()
            )));
        }
        Ok(Model {
            network,
            loss,
            standardizer,
            class_names,
        })
    }

    /// The network, which takes standardised inputs.
    pub fn network(&self) -> &N {
        &self.network
    }

    /// The loss the network was trained with.
    pub fn loss(&self) -> &L {
        &self.loss
    }

    /// The standardizer applied to raw feature values before the network.
    pub fn standardizer(&self) -> &Standardizer<T> {
        &self.standardizer
    }

    /// The class names by class index; empty if the model has none.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The number of classes: 2 for one output, `O` for several.
    pub fn class_count(&self) -> usize {
        class_count(O)
    }
}

/// # Prediction
impl<T, N, L, const I: usize, const O: usize> Model<T, N, L>
where
    T: Scalar,
    N: Parameters<T> + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: ClassifierLoss<T>,
{
    /// Classifies one example given by its `I` raw feature values, in the order of the
    /// training data's columns: standardises them with the saved statistics, runs the
    /// network and applies the output link (see the [module docs](self#the-output-link)).
    ///
    /// # Errors
    /// [`Error::Invalid`] if `row` does not have `I` values (naming both counts), or if
    /// a value is not finite or so far outside the training data's spread that its
    /// standardised value is not (naming the feature).
    pub fn predict_row(&self, row: &[T]) -> Result<Prediction<'_, T>> {
        if row.len() != I {
            return Err(Error::invalid(format!(
                "the model takes {I} feature values, but the row has {}",
                row.len()
            )));
        }
        if let Some(j) = row.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(format!(
                "feature {j} of the row is {}; every value must be finite",
                row[j]
            )));
        }
        let mut x = row.to_vec();
        self.standardizer.apply_to_features(&mut x)?;
        let x = Matrix::<T, I, 1>::from_fn(|r, _| x[r]);
        let y_hat = self.loss.predict(&self.network.predict(&x));
        let (class, probabilities) = if O == 1 {
            let p = y_hat[(0, 0)];
            (usize::from(p >= T::HALF), vec![T::ONE - p, p])
        } else {
            let class = y_hat.argmax().map_or(0, |(k, _)| k);
            (class, y_hat.iter().copied().collect())
        };
        Ok(Prediction {
            class,
            class_name: self.class_names.get(class).map(String::as_str),
            probabilities,
        })
    }
}

/// # Saving and loading
impl<T, N, L, const I: usize, const O: usize> Model<T, N, L>
where
    T: Scalar,
    N: Parameters<T> + Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: ClassifierLoss<T>,
{
    /// The model in the text format of this module.
    #[allow(clippy::inherent_to_string)] // a model is not something to `Display`
    pub fn to_string(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{MAGIC}\nscalar {}\nloss {}", T::NAME, L::NAME);
        let _ = writeln!(out, "classes {}", self.class_names.len());
        for (k, name) in self.class_names.iter().enumerate() {
            let _ = writeln!(out, "class {k} {name}");
        }
        let _ = writeln!(out, "features {I}");
        for (keyword, values) in [
            ("mean", self.standardizer.mean()),
            ("scale", self.standardizer.scale()),
        ] {
            out.push_str(keyword);
            for v in values {
                let _ = write!(out, " {v}");
            }
            out.push('\n');
        }
        out.push_str(&persist::to_string(&self.network));
        out
    }

    /// Writes the model to the file at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_string()).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Reads a model from the file at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; otherwise as [`from_str`](Self::from_str).
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_str(&text, &path.display().to_string())
    }

    /// Parses a model from `text`; `source` names it in errors.
    ///
    /// # Errors
    /// [`Error::Parse`], naming `source`, the line and (where one field is at fault) the
    /// column, if the text is not in this format, holds another scalar type, was saved
    /// with another loss, has class names that do not fit the network's classes, a
    /// standardizer for another number of features or with a non-finite mean or a scale
    /// that is not finite and positive, a network of another shape or with other
    /// activations (as [`persist::load_into`] checks), a malformed number, is truncated,
    /// or has anything after `end`.
    pub fn from_str(text: &str, source: &str) -> Result<Self> {
        let mut lines = Lines::new(text, source);
        let first = lines.next_fields(&format!("`{MAGIC}`"))?.join(" ");
        if first != MAGIC {
            return Err(lines.error(
                0,
                format!(
                    "the first line must be the format line: expected `{MAGIC}`, found {}",
                    quoted(&first)
                ),
            ));
        }
        let scalar = lines.keyword_line("scalar", 1)?;
        if scalar[0] != T::NAME {
            return Err(lines.error(
                2,
                format!(
                    "the file holds a {} model, but this model is {}",
                    quoted(scalar[0]),
                    T::NAME
                ),
            ));
        }
        let loss = lines.keyword_line("loss", 1)?;
        if loss[0] != L::NAME {
            return Err(lines.error(
                2,
                format!(
                    "the model was saved with the loss {}, but this model's loss is {}",
                    quoted(loss[0]),
                    L::NAME
                ),
            ));
        }
        let class_names = parse_class_names(&mut lines, class_count(O))?;
        let standardizer = parse_standardizer::<T>(&mut lines, I)?;
        let mut network = N::default();
        let (constants, parameters) =
            persist::parse_section(&network, &mut lines, "the line after `scale`")?;
        lines.expect_end_of_file()?;
        persist::fill(&mut network, constants, parameters);
        Ok(Model {
            network,
            loss: L::default(),
            standardizer,
            class_names,
        })
    }
}

/// The number of classes of a network with `outputs` outputs: 2 for one, else `outputs`.
fn class_count(outputs: usize) -> usize {
    if outputs == 1 { 2 } else { outputs }
}

/// `true` if `name` reads back from a model file as written: non-empty, with no
/// whitespace but single spaces between words.
fn reads_back(name: &str) -> bool {
    !name.is_empty() && name.split_whitespace().collect::<Vec<_>>().join(" ") == name
}

/// The `classes` line and its `class k name` lines: 0 names, or `classes` of them.
fn parse_class_names(lines: &mut Lines<'_>, classes: usize) -> Result<Vec<String>> {
    let count = lines.keyword_line("classes", 1)?;
    let count = lines.number::<usize>(count[0], 2)?;
    if count != 0 && count != classes {
        return Err(lines.error(
            2,
            format!(
                "the file has {count} class names, but the network has {classes} classes \
                 (a model has one name per class, or none)"
            ),
        ));
    }
    let mut names = Vec::with_capacity(count);
    for k in 0..count {
        let fields = lines.next_fields(&format!("`class {k}` and its name"))?;
        if fields.len() < 3 || fields[0] != "class" {
            return Err(lines.error(
                0,
                format!(
                    "expected `class {k}` followed by its name, found {}",
                    quoted(&fields.join(" "))
                ),
            ));
        }
        let found = lines.number::<usize>(fields[1], 2)?;
        if found != k {
            return Err(lines.error(2, format!("expected class {k}, found class {found}")));
        }
        names.push(fields[2..].join(" "));
    }
    Ok(names)
}

/// The `features`, `mean` and `scale` lines, for a network of `inputs` inputs.
fn parse_standardizer<T: Scalar>(lines: &mut Lines<'_>, inputs: usize) -> Result<Standardizer<T>> {
    let count = lines.keyword_line("features", 1)?;
    let count = lines.number::<usize>(count[0], 2)?;
    if count != inputs {
        return Err(lines.error(
            2,
            format!("the file's standardizer has {count} features, but the network takes {inputs} inputs"),
        ));
    }
    let mut read = |keyword: &str, valid: fn(T) -> bool, rule: &str| -> Result<Vec<T>> {
        let fields = lines.next_fields(&format!("a `{keyword}` line"))?;
        if fields.first() != Some(&keyword) || fields.len() != inputs + 1 {
            return Err(lines.error(
                0,
                format!(
                    "expected `{keyword}` followed by {inputs} numbers, one per feature, found {}",
                    quoted(&fields.join(" "))
                ),
            ));
        }
        let mut values = Vec::with_capacity(inputs);
        for (j, field) in fields[1..].iter().enumerate() {
            let value = lines.number::<T>(field, j + 2)?;
            if !valid(value) {
                return Err(lines.error(
                    j + 2,
                    format!(
                        "{}, the {keyword} of feature {j}, is not {rule}",
                        quoted(field)
                    ),
                ));
            }
            values.push(value);
        }
        Ok(values)
    };
    let mean = read("mean", |m| m.is_finite(), "a finite number")?;
    let scale = read(
        "scale",
        |s| s.is_finite() && s > T::ZERO,
        "a finite positive number",
    )?;
    // Both lists were checked above, so `from_parts` cannot refuse them.
    Standardizer::from_parts(mean, scale).map_err(|e| lines.error(0, e.to_string()))
}
