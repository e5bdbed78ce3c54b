//! A `Model` file keeps a classifier whole, and a `Model` classifies raw feature values.
//!
//! * Save and load give back the network's parameters, the standardizer's means and
//!   scales (bit for bit, awkward values included), the class names and the loss, in
//!   f64 and f32, through a file and through a string; the text is the documented format.
//! * `predict_row` is the standardised row through the network and the output link,
//!   computed here a second way by hand: `[1 − σ(z), σ(z)]` for one output, softmax for
//!   several; without class names the prediction has no name.
//! * Each way a file can be wrong is refused naming the line and column: another format
//!   line, scalar type or loss, class names that do not fit, a standardizer for another
//!   number of features or with a zero scale, a malformed number, a network of another
//!   shape or activation (at its line in the model file), a truncated file, content
//!   after `end`; a missing file is `Error::Io` with its path.
//! * A row of the wrong length, or with NaN, is refused naming the counts or the
//!   feature; `Model::new` refuses names that do not fit and a standardizer of another
//!   size.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::activation::sigmoid;
use backprop::data::Standardizer;
use backprop::model::Model;
use backprop::rng::Rng;
use backprop::{
    Dense, Error, Identity, Layer, Matrix, Parameters, Relu, Scalar, SigmoidCrossEntropy,
    SoftmaxCrossEntropy, Tanh,
};

type Binary<T> = (Dense<T, 3, 4, Tanh>, Dense<T, 4, 1, Identity>);
type Three = (Dense<f64, 3, 4, Relu>, Dense<f64, 4, 3, Identity>);
type BinaryModel<T> = Model<T, Binary<T>, SigmoidCrossEntropy>;

const SRC: &str = "test.model";

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A standardizer whose statistics include values that print awkwardly.
fn standardizer<T: Scalar>() -> Standardizer<T> {
    let mean = [0.1, -1e-300, 123456.789].map(T::from_f64).to_vec();
    let scale = [1e-7, 3.0, 0.3].map(T::from_f64).to_vec();
    Standardizer::from_parts(mean, scale).unwrap()
}

fn binary_model<T: Scalar>(seed: u64) -> BinaryModel<T> {
    let mut net = Binary::<T>::default();
    let mut rng = Rng::new(seed);
    for block in net.blocks_mut() {
        rng.fill_normal(block, T::ZERO, T::ONE);
    }
    Model::new(
        net,
        SigmoidCrossEntropy,
        standardizer(),
        names(&["malignant", "benign tumour"]),
    )
    .unwrap()
}

fn bits<T: Scalar>(values: &[T]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits_u64()).collect()
}

fn assert_identical<T: Scalar>(a: &BinaryModel<T>, b: &BinaryModel<T>) {
    let params =
        |m: &BinaryModel<T>| bits(&m.network().blocks().flatten().copied().collect::<Vec<_>>());
    assert_eq!(params(a), params(b));
    assert_eq!(bits(a.standardizer().mean()), bits(b.standardizer().mean()));
    assert_eq!(
        bits(a.standardizer().scale()),
        bits(b.standardizer().scale())
    );
    assert_eq!(a.class_names(), b.class_names());
}

#[test]
fn save_and_load_give_back_every_number_bit_for_bit_in_f64_and_f32() {
    let model = binary_model::<f64>(3);
    let back = BinaryModel::<f64>::from_str(&model.to_string(), SRC).unwrap();
    assert_identical(&model, &back);

    let model = binary_model::<f32>(4);
    let back = BinaryModel::<f32>::from_str(&model.to_string(), SRC).unwrap();
    assert_identical(&model, &back);

    let path = std::env::temp_dir().join(format!("backprop-model-{}.model", std::process::id()));
    let model = binary_model::<f64>(5);
    model.save(&path).unwrap();
    let back = BinaryModel::<f64>::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_identical(&model, &back);
    assert_eq!(back, model);
}

#[test]
fn the_text_is_the_documented_format() {
    let text = binary_model::<f64>(3).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..9],
        [
            "backprop model 1",
            "scalar f64",
            "loss sigmoid_cross_entropy",
            "classes 2",
            "class 0 malignant",
            "class 1 benign tumour",
            "features 3",
            // Display writes every digit of -1e-300, and the parser reads it back exactly.
            &format!("mean 0.1 {} 123456.789", -1e-300),
            "scale 0.0000001 3 0.3",
        ]
    );
    assert_eq!(lines[9], "backprop parameters 2");
    assert_eq!(lines.last(), Some(&"end"));
}

#[test]
fn a_binary_prediction_is_the_sigmoid_of_the_standardised_row_through_the_network() {
    let model = binary_model::<f64>(7);
    let row = [0.2, 1.0, 123456.0];
    let p = model.predict_row(&row).unwrap();

    // By hand: x′ = (x − mean) / scale, z = W[2] tanh(W[1] x′ + b[1]) + b[2], p = σ(z).
    let (mean, scale) = (model.standardizer().mean(), model.standardizer().scale());
    let x = Matrix::<f64, 3, 1>::from_fn(|r, _| (row[r] - mean[r]) / scale[r]);
    let (layer1, layer2) = model.network();
    let a1 = (layer1.weights * x + layer1.bias).map(f64::tanh);
    let z = (layer2.weights * a1 + layer2.bias)[(0, 0)];
    let s = sigmoid(z);
    assert_eq!(p.probabilities, [1.0 - s, s]);
    assert_eq!(p.class, usize::from(s >= 0.5));
    assert_eq!(p.class_name, Some(["malignant", "benign tumour"][p.class]));
}

#[test]
fn a_three_class_prediction_is_the_softmax_and_its_largest_entry() {
    let mut net = Three::default();
    net.initialize(&mut Rng::new(9));
    let scaler = Standardizer::from_parts(vec![0.0; 3], vec![1.0; 3]).unwrap();
    let model = Model::new(net, SoftmaxCrossEntropy, scaler, names(&["a", "b", "c"])).unwrap();
    let back: Model<f64, Three, SoftmaxCrossEntropy> =
        Model::from_str(&model.to_string(), SRC).unwrap();
    let row = [0.5, -1.0, 2.0];
    let p = back.predict_row(&row).unwrap();

    let z = model.network().predict(&Matrix::from_column(row));
    let e: Vec<f64> = z.iter().map(|v| v.exp()).collect();
    let total: f64 = e.iter().sum();
    for (k, &q) in p.probabilities.iter().enumerate() {
        assert!(
            (q - e[k] / total).abs() < 1e-15,
            "class {k}: {q} vs {}",
            e[k] / total
        );
    }
    let best = (0..3).max_by(|&i, &j| e[i].total_cmp(&e[j])).unwrap();
    assert_eq!((p.class, p.class_name), (best, Some(["a", "b", "c"][best])));
}

#[test]
fn a_model_without_class_names_predicts_classes_without_names() {
    let model = binary_model::<f64>(1);
    let unnamed = Model::new(
        *model.network(),
        SigmoidCrossEntropy,
        model.standardizer().clone(),
        Vec::new(),
    )
    .unwrap();
    let back = BinaryModel::<f64>::from_str(&unnamed.to_string(), SRC).unwrap();
    assert!(back.class_names().is_empty());
    assert_eq!(back.predict_row(&[0.0, 0.0, 0.0]).unwrap().class_name, None);
}

#[test]
fn a_row_of_the_wrong_length_or_with_nan_is_refused() {
    let model = binary_model::<f64>(1);
    let message = |r: backprop::Result<_>| match r {
        Err(Error::Invalid { message }) => message,
        other => panic!("expected Error::Invalid, got {other:?}"),
    };
    assert_eq!(
        message(model.predict_row(&[1.0, 2.0])),
        "the model takes 3 feature values, but the row has 2"
    );
    assert_eq!(
        message(model.predict_row(&[1.0, f64::NAN, 2.0])),
        "feature 1 of the row is NaN; every value must be finite"
    );
}

/// The `(line, column, message)` of a parse error.
fn parse_error<T>(result: backprop::Result<T>) -> (usize, usize, String) {
    match result {
        Err(Error::Parse {
            source,
            line,
            column,
            message,
        }) => {
            assert_eq!(source, SRC);
            (line, column, message)
        }
        Err(other) => panic!("expected Error::Parse, got {other:?}"),
        Ok(_) => panic!("expected Error::Parse, got a model"),
    }
}

/// The saved text of a model with one line replaced (1-based `line`).
fn with_line(line: usize, text: &str) -> String {
    let saved = binary_model::<f64>(2).to_string();
    let mut lines: Vec<&str> = saved.lines().collect();
    lines[line - 1] = text;
    lines.join("\n") + "\n"
}

#[test]
fn each_kind_of_bad_file_is_refused_naming_line_and_column() {
    let load = |text: &str| parse_error(BinaryModel::<f64>::from_str(text, SRC));
    let cases: [(String, (usize, usize), &str); 9] = [
        (
            with_line(1, "backprop parameters 2"),
            (1, 0),
            "the first line must be the format line: expected `backprop model 1`",
        ),
        (
            with_line(2, "scalar f32"),
            (2, 2),
            "the file holds a \"f32\" model",
        ),
        (
            with_line(3, "loss softmax_cross_entropy"),
            (3, 2),
            "the model was saved with the loss \"softmax_cross_entropy\"",
        ),
        (
            with_line(4, "classes 3"),
            (4, 2),
            "the file has 3 class names, but the network has 2",
        ),
        (
            with_line(6, "class 2 benign"),
            (6, 2),
            "expected class 1, found class 2",
        ),
        (
            with_line(7, "features 4"),
            (7, 2),
            "the file's standardizer has 4 features",
        ),
        (
            with_line(8, "mean 0.1 x 3"),
            (8, 3),
            "\"x\" is not a number",
        ),
        (
            with_line(9, "scale 1 0 1"),
            (9, 3),
            "\"0\", the scale of feature 1, is not a finite positive number",
        ),
        // The network part: line 13 is its first `layer` line.
        (
            with_line(13, "layer 1 relu"),
            (13, 3),
            "layer 1 is \"relu\" in the file, but the network's layer 1 is tanh",
        ),
    ];
    for (text, place, start) in &cases {
        let (line, column, message) = load(text);
        assert_eq!((line, column), *place, "{message}");
        assert!(
            message.starts_with(start),
            "{message:?} should start with {start:?}"
        );
    }

    let saved = binary_model::<f64>(2).to_string();
    let cut = &saved[..saved.find("block W[2]").unwrap()];
    let (_, _, message) = load(cut);
    assert!(message.starts_with("the file is truncated"), "{message}");
    let (line, _, message) = load(&(saved.clone() + "more\n"));
    assert_eq!(line, saved.lines().count() + 1);
    assert_eq!(message, "unexpected \"more\" after `end`");

    match BinaryModel::<f64>::load("/no/such/dir/x.model") {
        Err(Error::Io { path, .. }) => assert_eq!(path, "/no/such/dir/x.model"),
        other => panic!("expected Error::Io, got {other:?}"),
    }
}

#[test]
fn new_refuses_names_that_do_not_fit_and_a_standardizer_of_another_size() {
    let net = *binary_model::<f64>(1).network();
    let message = |names: Vec<String>, scaler: Standardizer<f64>| match Model::new(
        net,
        SigmoidCrossEntropy,
        scaler,
        names,
    ) {
        Err(Error::Invalid { message }) => message,
        other => panic!("expected Error::Invalid, got {other:?}"),
    };
    assert!(
        message(names(&["a", "b", "c"]), standardizer())
            .starts_with("a network with 1 output(s) has 2 classes, but 3 class names were given")
    );
    assert!(
        message(names(&["a", "two  spaces"]), standardizer())
            .starts_with("the class name \"two  spaces\" cannot be saved")
    );
    assert!(message(names(&["", "b"]), standardizer()).starts_with("the class name \"\""));
    let two = Standardizer::from_parts(vec![0.0; 2], vec![1.0; 2]).unwrap();
    assert_eq!(
        message(Vec::new(), two),
        "the network takes 3 inputs, but the standardizer was fitted on 2 features"
    );
}
