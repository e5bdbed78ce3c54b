//! `persist::safetensors` reads what PyTorch and the `safetensors` library write, writes
//! what they read, and refuses every malformed file with a message that says where.
//!
//! * Files written by the real library (`tests/reference/safetensors_reference.py`,
//!   PyTorch 2.15.0 and safetensors 0.8.0) load into the seed network and a
//!   30 → 16 → 8 → 1 network, whose logits, mean cost and gradients then agree with
//!   PyTorch's autograd: to 1e-12 relative to each tensor's largest magnitude in f64, and
//!   in f32 to [`F32_EPS`] machine epsilons of the f64 reference (the distance from
//!   PyTorch's own f32 results is printed too). F32 files also load into f64 networks.
//! * Writing one of those networks again gives the library's file byte for byte, and the
//!   two files the crate wrote (checked by the script with the library) are what the
//!   crate writes today, byte for byte.
//! * A save followed by a load gives every parameter back bit for bit, in f32 and f64,
//!   through bytes and through a file, awkward values included; F32 loads into f64
//!   exactly; F64 into f32 only when rounding is asked for.
//! * Other names (`fc1.weight`, `layers.0.weight`, any list), metadata, and extra
//!   tensors (refused, or skipped on request) behave as documented.
//! * Each malformed file listed in the module's "What is checked" is refused, naming the
//!   tensor or the header offset, and leaves the network unchanged; random bytes, random
//!   byte edits of a valid file and random edits of its JSON are loaded or refused with
//!   a short message, never a panic.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

#[path = "reference/safetensors_cases.rs"]
mod cases;

use backprop::network::{self, SeedNetwork};
use backprop::optim::{Optimizer, Sgd};
use backprop::persist::safetensors::{self, Naming, Options};
use backprop::{
    Dense, Error, HeapDense, Identity, Layer, Matrix, Parameters, Relu, Scalar, SigmoidCrossEntropy,
};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// One network file and PyTorch's results for it, as the script writes them. `x` is
/// row-major (inputs, 5); gradients are row-major in the crate's shapes, in block order.
/// `native_*` are PyTorch's own f32 results (empty for f64 files).
pub struct Case {
    file: &'static str,
    x: &'static [f64],
    y: &'static [f64],
    logits: &'static [f64],
    cost: f64,
    grads: &'static [(&'static str, &'static [f64])],
    native_logits: &'static [f64],
    native_cost: f64,
    native_grads: &'static [(&'static str, &'static [f64])],
}

/// The 30 → 16 → 8 → 1 network of the `mlp30` files.
type Mlp30<T> = (
    Dense<T, 30, 16, Relu>,
    Dense<T, 16, 8, Relu>,
    Dense<T, 8, 1, Identity>,
);

/// The f32 tolerance, in units of `f32::EPSILON` times each tensor's largest magnitude.
/// Each value is a chain of sums of at most 30 products, each rounding once, through a
/// ReLU or a `σ`: the a-priori bound (γ₃₀ ≈ 15 ε for one sum, compounded over three
/// layers) is loose. Measured: the crate is within 1.72 ε of the f64 reference (the
/// mlp30 gradients; PyTorch's own f32 is within 2.16 ε). 4 ε leaves room for another
/// summation order, while a wrong or missing term, off by its own size, would be
/// orders of magnitude beyond it.
const F32_EPS: f64 = 4.0;

fn reference(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/safetensors")
        .join(file)
}

/// The largest `|a − b|` over the largest `|b|`.
fn relative(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = a
        .iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    if scale == 0.0 { diff } else { diff / scale }
}

/// Loads `case.file` into `N`, runs the crate on the case's batch, and returns the
/// largest relative error of the logits, the cost and the gradients against the f64
/// reference (and against PyTorch's f32 results, if the case has them).
fn errors<T, N, const I: usize>(case: &Case) -> ([f64; 3], Option<[f64; 3]>)
where
    T: Scalar,
    N: Layer<T, 5, Input = Matrix<T, I, 5>, Output = Matrix<T, 1, 5>>,
{
    let mut net = N::default();
    safetensors::load(&mut net, reference(case.file)).unwrap();
    let cast = |v: &[f64]| -> Vec<T> { v.iter().map(|&v| T::from_f64(v)).collect() };
    let x = Matrix::<T, I, 5>::try_from_slice(&cast(case.x)).unwrap();
    let y = Matrix::<T, 1, 5>::try_from_slice(&cast(case.y)).unwrap();
    let logits: Vec<f64> = network::forward(&net, &x)
        .iter()
        .map(|v| v.to_f64())
        .collect();
    let mut grads = N::default();
    let cost = network::cost_and_gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
    let names = Naming::Sequential.tensor_names(&net).unwrap();
    let ours: Vec<Vec<f64>> = grads
        .blocks()
        .map(|b| b.iter().map(|v| v.to_f64()).collect())
        .collect();
    let against = |l: &[f64], c: f64, g: &[(&str, &[f64])]| {
        let mut worst = 0.0f64;
        for ((name, expected), (ours, want)) in g.iter().zip(ours.iter().zip(&names)) {
            assert_eq!(name, want);
            worst = worst.max(relative(ours, expected));
        }
        [
            relative(&logits, l),
            relative(&[cost.to_f64()], &[c]),
            worst,
        ]
    };
    let native = (!case.native_logits.is_empty())
        .then(|| against(case.native_logits, case.native_cost, case.native_grads));
    (against(case.logits, case.cost, case.grads), native)
}

#[test]
fn pytorch_f64_files_give_pytorchs_logits_cost_and_gradients_to_1e_12() {
    for (case, e) in [
        (
            &cases::SEED_F64,
            errors::<f64, SeedNetwork<f64>, 3>(&cases::SEED_F64).0,
        ),
        (
            &cases::MLP30_F64,
            errors::<f64, Mlp30<f64>, 30>(&cases::MLP30_F64).0,
        ),
    ] {
        println!(
            "{}: logits {:.2e}, cost {:.2e}, gradients {:.2e}",
            case.file, e[0], e[1], e[2]
        );
        assert!(e.iter().all(|&e| e <= 1e-12), "{}: {e:?}", case.file);
    }
}

#[test]
fn pytorch_f32_files_give_the_f64_reference_to_4_f32_epsilons() {
    for (case, (e, native)) in [
        (
            &cases::SEED_F32,
            errors::<f32, SeedNetwork<f32>, 3>(&cases::SEED_F32),
        ),
        (
            &cases::MLP30_F32,
            errors::<f32, Mlp30<f32>, 30>(&cases::MLP30_F32),
        ),
    ] {
        let eps = f64::from(f32::EPSILON);
        let native = native.unwrap();
        println!(
            "{}: in f32 epsilons, logits {:.2}, cost {:.2}, gradients {:.2} \
             (from PyTorch's f32: {:.2}, {:.2}, {:.2})",
            case.file,
            e[0] / eps,
            e[1] / eps,
            e[2] / eps,
            native[0] / eps,
            native[1] / eps,
            native[2] / eps
        );
        assert!(
            e.iter().all(|&e| e <= F32_EPS * eps),
            "{}: {e:?}",
            case.file
        );
    }
}

#[test]
fn f32_files_load_exactly_into_f64_networks_and_give_the_f64_reference_to_1e_12() {
    // The f32 cases' reference is computed in f64 on the f32 values: exactly what an f64
    // network holding them computes.
    for (case, e) in [
        (
            &cases::SEED_F32,
            errors::<f64, SeedNetwork<f64>, 3>(&cases::SEED_F32).0,
        ),
        (
            &cases::MLP30_F32,
            errors::<f64, Mlp30<f64>, 30>(&cases::MLP30_F32).0,
        ),
    ] {
        assert!(e.iter().all(|&e| e <= 1e-12), "{}: {e:?}", case.file);
    }
    let (mut wide, mut narrow) = (SeedNetwork::<f64>::default(), SeedNetwork::<f32>::default());
    safetensors::load(&mut wide, reference("seed_f32.safetensors")).unwrap();
    safetensors::load(&mut narrow, reference("seed_f32.safetensors")).unwrap();
    let widened: Vec<f64> = narrow.blocks().flatten().map(|&v| f64::from(v)).collect();
    assert_eq!(
        wide.blocks().flatten().copied().collect::<Vec<_>>(),
        widened
    );
}

#[test]
fn f64_files_load_into_f32_networks_only_when_rounding_is_asked_for() {
    let path = reference("seed_f64.safetensors");
    let mut net = SeedNetwork::<f32>::default();
    let message = safetensors::load(&mut net, &path).unwrap_err().to_string();
    assert!(
        message.contains("\"0.weight\" (W[1]) is F64 and the network is f32"),
        "{message}"
    );
    assert!(message.contains("Options::round_to_f32"), "{message}");
    assert_eq!(net, SeedNetwork::<f32>::default());

    safetensors::load_with(&mut net, &path, &Options::new().round_to_f32()).unwrap();
    let mut wide = SeedNetwork::<f64>::default();
    safetensors::load(&mut wide, &path).unwrap();
    let rounded: Vec<f32> = wide.blocks().flatten().map(|&v| v as f32).collect();
    assert_eq!(net.blocks().flatten().copied().collect::<Vec<_>>(), rounded);
}

#[test]
fn files_written_by_the_safetensors_library_are_written_again_byte_for_byte() {
    fn again<T: Scalar, N: Parameters<T>>(file: &str) {
        let bytes = std::fs::read(reference(file)).unwrap();
        let mut net = N::default();
        safetensors::from_bytes(&mut net, &bytes).unwrap();
        assert!(safetensors::to_bytes(&net) == bytes, "{file}");
    }
    again::<f64, SeedNetwork<f64>>("seed_f64.safetensors");
    again::<f32, SeedNetwork<f32>>("seed_f32.safetensors");
    again::<f64, Mlp30<f64>>("mlp30_f64.safetensors");
    again::<f32, Mlp30<f32>>("mlp30_f32.safetensors");
}

/// Writes `bytes` to the committed file if `BACKPROP_WRITE_REFERENCE` is set (for the
/// script's `check`); returns the committed file's bytes.
fn committed(file: &str, bytes: &[u8]) -> Vec<u8> {
    if std::env::var_os("BACKPROP_WRITE_REFERENCE").is_some() {
        std::fs::write(reference(file), bytes).unwrap();
    }
    std::fs::read(reference(file)).unwrap()
}

#[test]
fn written_by_backprop_f64_is_one_sgd_step_and_what_the_crate_writes_byte_for_byte() {
    let case = &cases::SEED_F64;
    let mut net = SeedNetwork::<f64>::default();
    safetensors::load(&mut net, reference(case.file)).unwrap();
    let x = Matrix::<f64, 3, 5>::try_from_slice(case.x).unwrap();
    let y = Matrix::<f64, 1, 5>::try_from_slice(case.y).unwrap();
    let mut grads = SeedNetwork::<f64>::default();
    network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
    Sgd::new(0.1).unwrap().step(&mut net, &grads);

    let file = committed(
        "written_by_backprop_f64.safetensors",
        &safetensors::to_bytes(&net),
    );
    let mut loaded = SeedNetwork::<f64>::default();
    safetensors::from_bytes(&mut loaded, &file).unwrap();
    // The format cannot drift: the crate writes the committed network byte for byte.
    assert!(safetensors::to_bytes(&loaded) == file);
    // The values are today's SGD step, to rounding (the gradients' summation order may
    // change; the script checked the file against PyTorch's step).
    for (a, b) in loaded.blocks().zip(net.blocks()) {
        assert!(relative(a, b) <= 1e-15, "{a:?} {b:?}");
    }
}

#[test]
fn written_by_backprop_fc_f32_is_what_the_crate_writes_byte_for_byte() {
    let mut net = SeedNetwork::<f32>::default();
    safetensors::load(&mut net, reference("seed_f32.safetensors")).unwrap();
    let options = Options::new()
        .naming(Naming::Modules(vec![
            "fc1".into(),
            "fc2".into(),
            "fc3".into(),
        ]))
        .metadata("format", "pt");
    let bytes = safetensors::to_bytes_with(&net, &options).unwrap();
    assert!(committed("written_by_backprop_fc_f32.safetensors", &bytes) == bytes);
    let mut loaded = SeedNetwork::<f32>::default();
    safetensors::from_bytes_with(&mut loaded, &bytes, &options).unwrap();
    assert_eq!(loaded, net);
}

// --- round trips ------------------------------------------------------------------------

#[path = "common/round_trip.rs"]
mod round_trip;
use round_trip::{bits, network_with};

/// A path in the system's temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let file = format!("backprop-safetensors-{}-{name}", std::process::id());
        TempFile(std::env::temp_dir().join(file))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn save_then_load_gives_every_f64_parameter_back_bit_for_bit() {
    let special = [
        0.1,
        -0.0,
        0.0,
        5e-324,
        -2.225_073_858_507_201e-308,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        1e-300,
        -1.0 / 3.0,
    ];
    let net = network_with(&special, 1);
    let mut back = SeedNetwork::<f64>::default();
    safetensors::from_bytes(&mut back, &safetensors::to_bytes(&net)).unwrap();
    assert_eq!(bits(&back), bits(&net));

    let file = TempFile::new("f64.safetensors");
    safetensors::save(&net, &file.0).unwrap();
    let mut from_file = SeedNetwork::<f64>::default();
    safetensors::load(&mut from_file, &file.0).unwrap();
    assert_eq!(bits(&from_file), bits(&net));
}

#[test]
fn save_then_load_gives_every_f32_parameter_back_bit_for_bit() {
    let special = [
        0.1f32,
        -0.0,
        1e-45,
        f32::MIN_POSITIVE,
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        1.0 / 3.0,
    ];
    let net = network_with(&special, 2);
    let mut back = SeedNetwork::<f32>::default();
    safetensors::from_bytes(&mut back, &safetensors::to_bytes(&net)).unwrap();
    assert_eq!(bits(&back), bits(&net));

    let file = TempFile::new("f32.safetensors");
    safetensors::save(&net, &file.0).unwrap();
    let mut from_file = SeedNetwork::<f32>::default();
    safetensors::load(&mut from_file, &file.0).unwrap();
    assert_eq!(bits(&from_file), bits(&net));
}

#[test]
fn heap_dense_networks_write_the_bytes_of_their_dense_twins() {
    let net = network_with::<f64>(&[], 3);
    let mut heap = <(
        HeapDense<f64, 3, 4, Relu>,
        HeapDense<f64, 4, 2, Relu>,
        HeapDense<f64, 2, 1, Identity>,
    )>::default();
    safetensors::from_bytes(&mut heap, &safetensors::to_bytes(&net)).unwrap();
    assert!(safetensors::to_bytes(&heap) == safetensors::to_bytes(&net));
}

// --- names and metadata -----------------------------------------------------------------

#[test]
fn the_default_names_are_pytorch_sequentials_and_others_can_be_chosen() {
    let net = network_with::<f64>(&[], 4);
    let names = |n: Naming| n.tensor_names(&net).unwrap().join(" ");
    assert_eq!(
        names(Naming::Sequential),
        "0.weight 0.bias 2.weight 2.bias 4.weight 4.bias"
    );
    let layers = Naming::Modules((0..3).map(|k| format!("layers.{}", 2 * k)).collect());
    assert_eq!(
        names(layers.clone()),
        "layers.0.weight layers.0.bias layers.2.weight layers.2.bias layers.4.weight layers.4.bias"
    );
    let listed: Vec<String> = ["W1", "b1", "W2", "b2", "W3", "b3"]
        .map(String::from)
        .to_vec();
    assert_eq!(names(Naming::Tensors(listed.clone())), "W1 b1 W2 b2 W3 b3");

    for naming in [layers, Naming::Tensors(listed)] {
        let options = Options::new().naming(naming);
        let bytes = safetensors::to_bytes_with(&net, &options).unwrap();
        let mut back = SeedNetwork::<f64>::default();
        safetensors::from_bytes_with(&mut back, &bytes, &options).unwrap();
        assert_eq!(bits(&back), bits(&net));
        let message = safetensors::from_bytes(&mut back, &bytes)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("no tensor \"0.weight\" for W[1]"),
            "{message}"
        );
        assert!(message.contains("Options::naming"), "{message}");
    }
}

#[test]
fn a_naming_that_does_not_fit_is_refused_before_anything_is_written() {
    let net = network_with::<f64>(&[], 5);
    let invalid = |naming: Naming| -> String {
        let error = safetensors::to_bytes_with(&net, &Options::new().naming(naming)).unwrap_err();
        assert!(matches!(error, Error::Invalid { .. }), "{error:?}");
        error.to_string()
    };
    let two = Naming::Modules(vec!["a".into(), "b".into()]);
    assert!(invalid(two).contains("2 layer names, but the network has 3 layers"));
    let same = Naming::Modules(vec!["a".into(), "b".into(), "a".into()]);
    assert!(invalid(same).contains("two blocks the name \"a.weight\""));
    let reserved = ["__metadata__", "b", "c", "d", "e", "f"]
        .map(String::from)
        .to_vec();
    assert!(invalid(Naming::Tensors(reserved)).contains("__metadata__"));
    let twice = Options::new().metadata("k", "1").metadata("k", "2");
    let message = safetensors::to_bytes_with(&net, &twice)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("metadata key \"k\" is given twice"),
        "{message}"
    );
}

#[test]
fn metadata_is_written_first_escaped_and_ignored_on_reading() {
    let net = network_with::<f32>(&[], 6);
    let options = Options::new()
        .metadata("format", "pt")
        .metadata("note", "a \"quoted\"\nline");
    let bytes = safetensors::to_bytes_with(&net, &options).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    assert!(
        header.starts_with(
            r#"{"__metadata__":{"format":"pt","note":"a \"quoted\"\nline"},"0.bias":"#
        )
    );
    assert_eq!(n % 8, 0);
    let mut back = SeedNetwork::<f32>::default();
    safetensors::from_bytes(&mut back, &bytes).unwrap();
    assert_eq!(bits(&back), bits(&net));
}

// --- refusals ---------------------------------------------------------------------------

/// A file with the header `json` and a data buffer of `data_len` bytes of `fill`.
fn file(json: &str, data_len: usize, fill: u8) -> Vec<u8> {
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes.extend(std::iter::repeat_n(fill, data_len));
    bytes
}

/// A layer with 2 inputs and 1 output: `0.weight` (1, 2) and `0.bias` (1).
type Tiny = Dense<f64, 2, 1, Identity>;

/// The tiny layer's header, with `weight` and `bias` as its two tensors' entries.
fn tiny(weight: &str, bias: &str) -> String {
    format!(r#"{{"0.weight":{weight},"0.bias":{bias}}}"#)
}

const W: &str = r#"{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}"#;
const B: &str = r#"{"dtype":"F64","shape":[1],"data_offsets":[16,24]}"#;

/// Loads `bytes` into a `Tiny` whose parameters are all 7, asserts that it is refused
/// with an `Error::Parse` whose message contains every one of `needles` and that the
/// layer still holds 7 everywhere; returns the column and the message.
fn refused(bytes: &[u8], needles: &[&str]) -> (usize, String) {
    let mut net = Tiny::default();
    for block in net.blocks_mut() {
        block.fill(7.0);
    }
    let error = safetensors::from_bytes(&mut net, bytes).unwrap_err();
    let Error::Parse {
        source,
        line,
        column,
        ref message,
    } = error
    else {
        panic!("not a parse error: {error:?}");
    };
    assert_eq!((source.as_str(), line >= 1), ("<bytes>", true));
    for needle in needles {
        assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    }
    assert!(
        net.blocks().flatten().all(|&v| v == 7.0),
        "the layer changed"
    );
    (column, message.clone())
}

#[test]
fn the_tiny_file_is_valid_and_a_bias_of_shape_out_by_1_is_read_too() {
    let mut net = Tiny::default();
    safetensors::from_bytes(&mut net, &file(&tiny(W, B), 24, 0)).unwrap();
    let column_bias = r#"{"dtype":"F64","shape":[1,1],"data_offsets":[16,24]}"#;
    safetensors::from_bytes(&mut net, &file(&tiny(W, column_bias), 24, 0)).unwrap();
    let padded = format!("{}   \n\t ", tiny(W, B));
    safetensors::from_bytes(&mut net, &file(&padded, 24, 0)).unwrap();
}

#[test]
fn json_escapes_in_names_are_decoded_and_any_json_whitespace_is_allowed() {
    let mut net = Tiny::default();
    let escaped = format!("\n {{ \"\\u0030.w\\u0065ight\" :\t{W} ,\r\n\"0.bias\":{B}}}  ");
    safetensors::from_bytes(&mut net, &file(&escaped, 24, 0)).unwrap();
    let metadata = format!(
        r#"{{"__metadata__":{{"\ud83d\ude00":"\"\\\/\b\f\n\r\t"}},"0.weight":{W},"0.bias":{B}}}"#
    );
    safetensors::from_bytes(&mut net, &file(&metadata, 24, 0)).unwrap();
    // The same name twice is refused even when one of them is escaped.
    let twice = format!(r#"{{"0.weight":{W},"\u0030.weight":{W},"0.bias":{B}}}"#);
    refused(&file(&twice, 24, 0), &["the key \"0.weight\" occurs twice"]);
    refused(
        &file(&format!("{{\"0.weight\":{W},\"a\tb\":1}}"), 24, 0),
        &["a control character (\"\\t\") in a string"],
    );
    refused(
        &file(r#"{"a":01}"#, 0, 0),
        &["a number with a leading zero", "header offset 5"],
    );
    refused(
        &file(r#"{"a":[1,]}"#, 0, 0),
        &["expected a JSON value, found ']'", "header offset 8"],
    );
    refused(
        &file(r#"{"a":1,}"#, 0, 0),
        &["expected a key in double quotes, found '}'"],
    );
    refused(
        &file(r#"{"a":"\x"}"#, 0, 0),
        &["an unknown escape", "header offset 6"],
    );
    refused(
        &file(r#"{"a":tru}"#, 0, 0),
        &["expected a JSON value, found 't'"],
    );
}

#[test]
fn extra_tensors_of_any_dtype_or_size_are_skipped_on_request() {
    // A PyTorch checkpoint may hold a batch-norm counter (I64, shape []) and empty
    // tensors (shape [0], no bytes, at the same offset as another tensor).
    let extra = format!(
        r#"{{"0.weight":{W},"0.bias":{B},"bn.num_batches_tracked":{{"dtype":"I64","shape":[],"data_offsets":[24,32]}},"empty":{{"dtype":"BF16","shape":[0,3],"data_offsets":[16,16]}}}}"#
    );
    let bytes = file(&extra, 32, 0);
    refused(
        &bytes,
        &[
            "the file has 2 tensor(s) the network does not use: \"bn.num_batches_tracked\", \"empty\"",
        ],
    );
    let mut net = Tiny::default();
    safetensors::from_bytes_with(&mut net, &bytes, &Options::new().ignore_extra_tensors()).unwrap();
}

#[test]
fn a_file_shorter_than_its_header_length_is_refused() {
    refused(
        &[1, 2, 3],
        &["the file has 3 bytes", "8-byte header length"],
    );
    let mut bytes = file(&tiny(W, B), 24, 0);
    bytes[..8].copy_from_slice(&1000u64.to_le_bytes());
    refused(
        &bytes,
        &["header length 1000 goes beyond the end of the file"],
    );
    bytes[..8].copy_from_slice(&u64::MAX.to_le_bytes());
    refused(&bytes, &["above the format's limit of 100000000 bytes"]);
}

#[test]
fn a_header_that_is_not_utf8_or_not_json_is_refused_at_its_offset() {
    let mut bytes = file(&tiny(W, B), 24, 0);
    bytes[8 + 3] = 0xff;
    let (column, _) = refused(
        &bytes,
        &["not valid UTF-8", "(header offset 3, file offset 11)"],
    );
    assert_eq!(column, 4);
    let no_colon = tiny(W, B).replacen("\"dtype\":", "\"dtype\" ", 1);
    refused(
        &file(&no_colon, 24, 0),
        &["expected ':' after the key, found '\"'", "header offset 21"],
    );
    let at = format!("header offset {}", tiny(W, B).len() + 1);
    refused(
        &file(&format!("{} x", tiny(W, B)), 24, 0),
        &["'x' after the end of the JSON value", &at],
    );
    refused(
        &file("[]", 0, 0),
        &["must be a JSON object, found an array", "header offset 0"],
    );
    refused(
        &file("", 0, 0),
        &["expected a JSON value, found the end of the header"],
    );
    refused(
        &file(r#"{"a\ud800":1}"#, 0, 0),
        &["lone high surrogate", "header offset 3"],
    );
    refused(
        &file(
            &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            0,
            0,
        ),
        &["nested more than 16 deep"],
    );
    // On a later line of a pretty-printed header, the column counts from that line.
    let pretty = file("{\n  \"a\": 1,\n  \"b\" 2}", 0, 0);
    refused(&pretty, &["expected ':'", "header offset 18"]);
    let error = safetensors::from_bytes(&mut Tiny::default(), &pretty).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Parse {
                line: 3,
                column: 7,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn duplicate_names_and_missing_or_unknown_fields_are_refused_naming_the_tensor() {
    refused(
        &file(&format!(r#"{{"0.weight":{W},"0.weight":{B}}}"#), 24, 0),
        &["the key \"0.weight\" occurs twice", "header offset 64"],
    );
    for field in ["dtype", "shape", "data_offsets"] {
        let without = W.replacen(&format!("\"{field}\""), "\"other\"", 1);
        refused(
            &file(&tiny(&without, B), 24, 0),
            &["tensor \"0.weight\" has a field \"other\""],
        );
        let mut entries: Vec<&str> = W[1..W.len() - 1].split(",\"").collect();
        entries.retain(|e| !e.trim_start_matches('"').starts_with(field));
        let missing = format!("{{\"{}}}", entries.join(",\"").trim_start_matches('"'));
        refused(
            &file(&tiny(&missing, B), 24, 0),
            &[&format!("tensor \"0.weight\" has no `{field}`")],
        );
    }
    let metadata = format!(r#"{{"__metadata__":{{"k":1}},"0.weight":{W},"0.bias":{B}}}"#);
    refused(
        &file(&metadata, 24, 0),
        &["__metadata__ must map strings to strings, but \"k\" maps to the number \"1\""],
    );
}

#[test]
fn negative_or_non_integer_offsets_and_shapes_are_refused_naming_the_tensor() {
    for (bad, needle) in [
        (
            "[-0,16]",
            "the data_offsets of tensor \"0.weight\" holds \"-0\", which is negative",
        ),
        (
            "[0,16.0]",
            "holds \"16.0\", which is not written as an integer",
        ),
        (
            "[0,1.6e1]",
            "holds \"1.6e1\", which is not written as an integer",
        ),
        ("[0,\"16\"]", "must hold integers, found the string \"16\""),
        ("[0,16,24]", "must hold 2 numbers, found 3"),
        ("[0,99999999999999999999]", "which is too large"),
        ("16", "must be an array, found the number \"16\""),
    ] {
        refused(&file(&tiny(&W.replace("[0,16]", bad), B), 24, 0), &[needle]);
    }
    refused(
        &file(&tiny(&W.replace("[1,2]", "[1,-2]"), B), 24, 0),
        &["the shape of tensor \"0.weight\" holds \"-2\", which is negative"],
    );
    refused(
        &file(&tiny(&W.replace("[1,2]", "[1,2.5]"), B), 24, 0),
        &["the shape of tensor \"0.weight\" holds \"2.5\""],
    );
}

#[test]
fn offsets_that_do_not_cover_the_buffer_exactly_are_refused_naming_the_tensors() {
    let w = |offsets: &str| W.replace("[0,16]", offsets);
    let b = |offsets: &str| B.replace("[16,24]", offsets);
    refused(
        &file(&tiny(&w("[16,0]"), B), 24, 0),
        &[
            "tensor \"0.weight\" begins at byte 16 after its end, 0",
            "header offset 1",
        ],
    );
    refused(
        &file(&tiny(W, &b("[16,32]")), 24, 0),
        &["tensor \"0.bias\" ends at byte 32, beyond the data buffer's 24 bytes"],
    );
    refused(
        &file(&tiny(&w("[0,8]"), &b("[8,16]")), 16, 0),
        &["tensor \"0.weight\" has 8 bytes, but shape [1, 2] of F64 needs 16"],
    );
    refused(
        &file(&tiny(W, &b("[8,16]")), 16, 0),
        &["tensor \"0.bias\" (bytes 8..16) overlaps tensor \"0.weight\", which ends at byte 16"],
    );
    refused(
        &file(&tiny(W, &b("[20,28]")), 28, 0),
        &["bytes 16..20 of the data buffer belong to no tensor (a hole before tensor \"0.bias\")"],
    );
    refused(
        &file(&tiny(W, B), 30, 0),
        &["bytes 24..30 of the data buffer, after the last tensor, belong to no tensor"],
    );
    let huge = W.replace("[1,2]", "[4294967296,4294967296,4294967296]");
    refused(&file(&tiny(&huge, B), 24, 0), &["needs more than 2⁶⁴"]);
}

#[test]
fn tensors_that_do_not_fit_the_network_are_refused_naming_tensor_and_shapes() {
    let transposed = W.replace("[1,2]", "[2,1]");
    refused(
        &file(&tiny(&transposed, B), 24, 0),
        &[
            "tensor \"0.weight\" (W[1]) has shape [2, 1] in the file, but the network's W[1] has shape [1, 2] (out, in)",
        ],
    );
    let row = B.replace("[1]", "[1,1,1]");
    refused(
        &file(&tiny(W, &row), 24, 0),
        &[
            "tensor \"0.bias\" (b[1]) has shape [1, 1, 1] in the file, but the network's b[1] has shape [1] (or [1, 1])",
        ],
    );
    let only_weight = format!(r#"{{"0.weight":{W}}}"#);
    let (column, _) = refused(
        &file(&only_weight, 16, 0),
        &["the file has no tensor \"0.bias\" for b[1] (the file's tensors: \"0.weight\")"],
    );
    assert_eq!(column, 0);
    let extra = format!(
        r#"{{"0.weight":{W},"0.bias":{B},"2.weight":{}}}"#,
        B.replace("[16,24]", "[24,32]")
    );
    refused(
        &file(&extra, 32, 0),
        &[
            "the file has 1 tensor(s) the network does not use: \"2.weight\"",
            "Options::ignore_extra_tensors",
        ],
    );
    let mut net = Tiny::default();
    let ignore = Options::new().ignore_extra_tensors();
    safetensors::from_bytes_with(&mut net, &file(&extra, 32, 0), &ignore).unwrap();
}

#[test]
fn dtypes_other_than_f32_and_f64_are_refused_naming_tensor_and_dtype() {
    for (dtype, size) in [("F16", 2), ("BF16", 2), ("I64", 8), ("U8", 1)] {
        let w = format!(
            r#"{{"dtype":"{dtype}","shape":[1,2],"data_offsets":[0,{}]}}"#,
            2 * size
        );
        let b = B.replace("[16,24]", &format!("[{},{}]", 2 * size, 2 * size + 8));
        let message = format!(
            "tensor \"0.weight\" (W[1]) has dtype {dtype}; backprop reads F32 and F64 only"
        );
        refused(&file(&tiny(&w, &b), 2 * size + 8, 0), &[&message]);
    }
    let unknown = W.replace("F64", "F128");
    refused(
        &file(&tiny(&unknown, B), 24, 0),
        &[
            "tensor \"0.weight\" has dtype \"F128\", which is not a safetensors dtype this reader knows",
        ],
    );
}

#[test]
fn non_finite_values_are_refused_naming_tensor_and_index() {
    let mut bytes = file(&tiny(W, B), 24, 0);
    let data = bytes.len() - 24;
    bytes[data + 8..data + 16].copy_from_slice(&f64::NAN.to_le_bytes());
    let at = format!("holds NaN at index [0, 1] (file offset {})", data + 8);
    refused(
        &bytes,
        &["tensor \"0.weight\" (W[1])", &at, "must be finite"],
    );
    bytes[data + 8..data + 16].copy_from_slice(&0f64.to_le_bytes());
    bytes[data + 16..].copy_from_slice(&f64::NEG_INFINITY.to_le_bytes());
    refused(
        &bytes,
        &["tensor \"0.bias\" (b[1]) holds -inf at index [0]"],
    );

    let mut net = Dense::<f32, 2, 1, Identity>::default();
    bytes[data + 16..].copy_from_slice(&1e300f64.to_le_bytes());
    let error = safetensors::from_bytes_with(&mut net, &bytes, &Options::new().round_to_f32());
    let message = error.unwrap_err().to_string();
    assert!(
        message.contains("holds 1e300, beyond f32's range at index [0]"),
        "{message}"
    );
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let mut net = Tiny::default();
    let error = safetensors::load(&mut net, "/nonexistent/x.safetensors").unwrap_err();
    assert!(matches!(error, Error::Io { ref path, .. } if path == "/nonexistent/x.safetensors"));
}

// --- fuzzing ----------------------------------------------------------------------------

/// Any error must be a parse error from `<bytes>` with a short message.
fn good_error(error: &Error) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(error, Error::Parse { source, line, .. } if source == "<bytes>" && *line >= 1),
        "{error:?}"
    );
    prop_assert!(error.to_string().len() <= 400, "{error}");
    Ok(())
}

/// Pieces of JSON that a header is made of, for edits that keep it almost JSON.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\"0.weight\"",
    "\"0.bias\"",
    "\"dtype\"",
    "\"shape\"",
    "\"data_offsets\"",
    "\"F64\"",
    "\"F32\"",
    "\"I64\"",
    "\"__metadata__\"",
    "\"x\"",
    "0",
    "1",
    "2",
    "8",
    "16",
    "24",
    "32",
    "-1",
    "1.5",
    "1e2",
    "18446744073709551616",
    "\"\\u00e9\"",
    "\"\\ud800\"",
    "true",
    "null",
    "\"",
];

/// The tiny layer's valid header, as tokens of [`TOKENS`].
fn tiny_tokens() -> Vec<&'static str> {
    let entry = |name, shape: &[&'static str], begin, end| {
        let mut t = vec![
            name,
            ":",
            "{",
            "\"dtype\"",
            ":",
            "\"F64\"",
            ",",
            "\"shape\"",
            ":",
            "[",
        ];
        for (i, d) in shape.iter().enumerate() {
            if i > 0 {
                t.push(",");
            }
            t.push(d);
        }
        t.extend([
            "]",
            ",",
            "\"data_offsets\"",
            ":",
            "[",
            begin,
            ",",
            end,
            "]",
            "}",
        ]);
        t
    };
    let mut tokens = vec!["{"];
    tokens.extend(entry("\"0.weight\"", &["1", "2"], "0", "16"));
    tokens.push(",");
    tokens.extend(entry("\"0.bias\"", &["1"], "16", "24"));
    tokens.push("}");
    tokens
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_are_refused_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut net = SeedNetwork::<f64>::default();
        good_error(&safetensors::from_bytes(&mut net, &bytes).unwrap_err())?;
        prop_assert_eq!(net, SeedNetwork::<f64>::default());
    }

    #[test]
    fn edited_files_are_loaded_or_refused_never_a_panic(
        seed in 0u64..1000,
        edits in prop::collection::vec((0usize..2000, any::<u8>(), 0u8..4), 1..4),
    ) {
        let net = network_with::<f64>(&[], seed);
        let mut bytes = safetensors::to_bytes(&net);
        for (at, byte, kind) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                2 if at < bytes.len() => { bytes.remove(at); }
                _ => bytes.truncate(at),
            }
        }
        let mut loaded = SeedNetwork::<f64>::default();
        match safetensors::from_bytes(&mut loaded, &bytes) {
            Ok(()) => prop_assert!(loaded.is_finite()),
            Err(error) => {
                good_error(&error)?;
                prop_assert_eq!(loaded, SeedNetwork::<f64>::default());
            }
        }
    }

    #[test]
    fn headers_with_json_pieces_edited_are_loaded_or_refused_never_a_panic(
        edits in prop::collection::vec((0usize..100, 0usize..TOKENS.len(), 0u8..3), 1..5),
        data_len in prop_oneof![Just(24usize), 0usize..40],
    ) {
        let mut tokens = tiny_tokens();
        for (at, token, kind) in edits {
            let at = at % (tokens.len() + 1);
            match kind {
                0 if at < tokens.len() => tokens[at] = TOKENS[token],
                1 if at < tokens.len() => { tokens.remove(at); }
                _ => tokens.insert(at, TOKENS[token]),
            }
        }
        let header = tokens.concat();
        let mut net = Tiny::default();
        match safetensors::from_bytes(&mut net, &file(&header, data_len, 0x3f)) {
            Ok(()) => prop_assert!(net.is_finite()),
            Err(error) => {
                good_error(&error)?;
                prop_assert_eq!(net, Tiny::default());
            }
        }
    }
}
