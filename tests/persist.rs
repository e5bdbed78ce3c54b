//! Saving and loading parameters with `backprop::persist` loses nothing, and a file that
//! does not fit is refused with a message that says what and where.
//!
//! * A save followed by a load gives back every parameter bit for bit, in f64 and f32,
//!   through a file and through a string, including the awkward values: `0.1` (not a
//!   binary fraction), `1e-300`, `−0.0`, subnormals, the largest and smallest finite
//!   values.
//! * The text is the documented format, line by line.
//! * Each way a file can be wrong gives an error that names it: another network's shape
//!   (block count or block size), another scalar type, a file cut short in the middle of a
//!   block or of a row, a malformed number (with its line and column), a missing `end`, a
//!   missing file (`Error::Io` with the path), a first line that is not the format line.
//! * The file records each layer's activation and its constants: a ReLU network's file is
//!   refused by a tanh network of the same shapes, naming line and column, and a leaky
//!   ReLU's slope of 0.3 comes back as 0.3, bit for bit.
//! * A version-1 file (no activations) is refused with the lines that convert it, and
//!   once they are added it loads.
//! * `load_into` fills an existing network, and leaves it unchanged when the file is
//!   refused; a network of `HeapDense` layers writes the same file as its `Dense` twin.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::network::SeedNetwork;
use backprop::persist;
use backprop::rng::Rng;
use backprop::{
    Dense, Error, HeapDense, Identity, LeakyRelu, Matrix, Parameters, Relu, Scalar, Sigmoid, Tanh,
};
use std::path::PathBuf;

#[path = "common/round_trip.rs"]
mod round_trip;
use round_trip::{bits, network_with};

/// Values that a careless writer or reader would get wrong, in f64.
fn awkward_f64() -> Vec<f64> {
    vec![
        0.1,                         // no exact binary form: needs 17 significant digits
        1e-300,                      // tiny but normal
        -0.0,                        // the sign of zero is a bit too
        0.0,                         //
        5e-324,                      // the smallest subnormal, 2⁻¹⁰⁷⁴
        f64::MIN_POSITIVE / 3.0,     // a subnormal with many significant bits
        -2.225_073_858_507_201e-308, // the largest subnormal, negated
        f64::MIN_POSITIVE,           // the smallest normal
        f64::MAX,                    //
        f64::MIN,                    //
        f64::EPSILON,                //
        1.0 / 3.0,                   //
        -std::f64::consts::PI,       //
        1e300,                       //
        123_456_789.123_456_78,      //
        -1e-5,                       //
    ]
}

/// The same kinds of values in f32.
fn awkward_f32() -> Vec<f32> {
    vec![
        0.1,
        1e-30,
        -0.0,
        0.0,
        1e-45, // the smallest subnormal, 2⁻¹⁴⁹
        f32::MIN_POSITIVE / 3.0,
        -1.175_494_2e-38, // the largest subnormal, negated
        f32::MIN_POSITIVE,
        f32::MAX,
        f32::MIN,
        f32::EPSILON,
        1.0 / 3.0,
        -std::f32::consts::PI,
        1e30,
        16_777_217.0, // 2²⁴ + 1 rounds to 2²⁴ in f32: the value written is the stored one
        -1e-5,
    ]
}

/// A path in the system's temporary directory, unique to this process and `name`,
/// removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "backprop-persist-test-{}-{name}.txt",
            std::process::id()
        ));
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The `(line, column, message)` of an [`Error::Parse`] from `source`; panics otherwise.
fn parse_error<X: core::fmt::Debug>(
    result: backprop::Result<X>,
    source: &str,
) -> (usize, usize, String) {
    match result {
        Err(Error::Parse {
            source: s,
            line,
            column,
            message,
        }) => {
            assert_eq!(s, source, "the error names the source");
            (line, column, message)
        }
        other => panic!("expected Error::Parse, got {other:?}"),
    }
}

const SRC: &str = "<string>";

// ----- Round trips ---------------------------------------------------------------------

fn check_round_trip<T: Scalar>(special: &[T], name: &str) {
    let net = network_with(special, 1);
    assert!(special.len() < net.parameter_count());

    // Through a string.
    let text = persist::to_string(&net);
    let back: SeedNetwork<T> = persist::from_str(&text, SRC).unwrap();
    assert_eq!(bits(&back), bits(&net));

    // Through a file.
    let file = TempFile::new(name);
    persist::save(&net, &file.0).unwrap();
    let loaded: SeedNetwork<T> = persist::load(&file.0).unwrap();
    assert_eq!(bits(&loaded), bits(&net));
    // The file holds exactly the string, and writing the loaded network again gives it
    // again (the format is a fixed point).
    assert_eq!(std::fs::read_to_string(&file.0).unwrap(), text);
    assert_eq!(persist::to_string(&loaded), text);
}

#[test]
fn save_then_load_is_bit_exact_in_f64() {
    check_round_trip::<f64>(&awkward_f64(), "f64");
}

#[test]
fn save_then_load_is_bit_exact_in_f32() {
    check_round_trip::<f32>(&awkward_f32(), "f32");
}

#[test]
fn save_then_load_is_bit_exact_for_many_random_networks() {
    for seed in 0..50 {
        let net = network_with::<f64>(&[], seed);
        let back: SeedNetwork<f64> = persist::from_str(&persist::to_string(&net), SRC).unwrap();
        assert_eq!(bits(&back), bits(&net), "seed {seed}");
        let net = network_with::<f32>(&[], seed);
        let back: SeedNetwork<f32> = persist::from_str(&persist::to_string(&net), SRC).unwrap();
        assert_eq!(bits(&back), bits(&net), "seed {seed}");
    }
}

#[test]
fn the_text_is_the_documented_format() {
    // A 2 → 1 layer with exact binary values, written out in full.
    let layer = Dense::<f64, 2, 1, Identity>::new(
        backprop::Matrix::from_rows([[0.25, -0.5]]),
        backprop::Matrix::from_column([0.125]),
    );
    assert_eq!(
        persist::to_string(&layer),
        "backprop parameters 2\n\
         scalar f64\n\
         layers 1\n\
         layer 1 identity\n\
         blocks 2\n\
         block W[1] 1 2\n\
         0.25 -0.5\n\
         block b[1] 1 1\n\
         0.125\n\
         end\n"
    );
    // The seed network: 6 blocks named as in the seed, one line per row [N4].
    let text = persist::to_string(&SeedNetwork::<f32>::default());
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("block")).collect();
    assert_eq!(
        headers,
        [
            "blocks 6",
            "block W[1] 4 3",
            "block b[1] 4 1",
            "block W[2] 2 4",
            "block b[2] 2 1",
            "block W[3] 1 2",
            "block b[3] 1 1"
        ]
    );
    // Its layers: ReLU, ReLU, then the identity (the logit for the fused loss).
    let layers: Vec<&str> = text.lines().filter(|l| l.starts_with("layer")).collect();
    assert_eq!(
        layers,
        [
            "layers 3",
            "layer 1 relu",
            "layer 2 relu",
            "layer 3 identity"
        ]
    );
    assert_eq!(text.lines().nth(1), Some("scalar f32"));
    // 2 (format, scalar) + 4 (layers) + 1 (blocks) + (1 + 4) + (1 + 4) + (1 + 2) + (1 + 2)
    // + 2 + 2 + 1 (end)
    assert_eq!(text.lines().count(), 28);
}

#[test]
fn blank_lines_and_windows_line_endings_are_read() {
    let net = network_with::<f64>(&awkward_f64(), 2);
    let text = persist::to_string(&net)
        .replace('\n', "\r\n")
        .replace("block", "\r\nblock");
    let back: SeedNetwork<f64> = persist::from_str(&text, SRC).unwrap();
    assert_eq!(bits(&back), bits(&net));
}

// ----- Files that do not fit -----------------------------------------------------------

/// The seed network's parameters as text, as a vector of lines.
fn seed_lines() -> Vec<String> {
    persist::to_string(&network_with::<f64>(&[], 3))
        .lines()
        .map(str::to_string)
        .collect()
}

fn join(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[test]
fn a_file_for_a_network_with_fewer_layers_is_refused() {
    // 3 → 5 → 1: two layers, where the seed network (3 → 4 → 2 → 1) has three (line 3,
    // the count in column 2).
    let other: (Dense<f64, 3, 5, Relu>, Dense<f64, 5, 1, Identity>) = Default::default();
    let result = persist::from_str::<f64, SeedNetwork<f64>>(&persist::to_string(&other), SRC);
    let (line, column, message) = parse_error(result, SRC);
    assert_eq!((line, column), (3, 2));
    assert_eq!(message, "the file has 2 layers, but the network has 3");
}

#[test]
fn a_file_for_layers_of_other_sizes_is_refused_naming_the_block() {
    // 3 → 5 → 2 → 1: six blocks too, but W[1] is 5×3, not 4×3 (line 8).
    let wider: (
        Dense<f64, 3, 5, Relu>,
        Dense<f64, 5, 2, Relu>,
        Dense<f64, 2, 1, Identity>,
    ) = Default::default();
    let result = persist::from_str::<f64, SeedNetwork<f64>>(&persist::to_string(&wider), SRC);
    let (line, column, message) = parse_error(result, SRC);
    assert_eq!((line, column), (8, 0));
    assert_eq!(
        message,
        "block 1 is 5×3 (W[1]) in the file, but the network's block 1 is W[1], 4×3"
    );

    // 3 → 4 → 3 → 1: the first two blocks fit, W[2] (block 3, line 18) does not.
    let deeper: (
        Dense<f64, 3, 4, Relu>,
        Dense<f64, 4, 3, Relu>,
        Dense<f64, 3, 1, Identity>,
    ) = Default::default();
    let result = persist::from_str::<f64, SeedNetwork<f64>>(&persist::to_string(&deeper), SRC);
    let (line, _, message) = parse_error(result, SRC);
    assert_eq!(line, 18);
    assert_eq!(
        message,
        "block 3 is 3×4 (W[2]) in the file, but the network's block 3 is W[2], 2×4"
    );
}

#[test]
fn a_file_of_another_scalar_type_is_refused() {
    let f32_text = persist::to_string(&network_with::<f32>(&[], 4));
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&f32_text, SRC),
        SRC,
    );
    assert_eq!(line, 2);
    assert_eq!(
        message,
        "the file holds \"f32\" parameters, but the network is f64"
    );

    let f64_text = persist::to_string(&network_with::<f64>(&[], 4));
    let (_, _, message) = parse_error(
        persist::from_str::<f32, SeedNetwork<f32>>(&f64_text, SRC),
        SRC,
    );
    assert_eq!(
        message,
        "the file holds \"f64\" parameters, but the network is f32"
    );
}

#[test]
fn a_file_cut_in_the_middle_of_a_block_is_refused_as_truncated() {
    // Lines 14–17 are the four rows of b[1]; keep the first two.
    let lines = seed_lines();
    assert_eq!(lines[12], "block b[1] 4 1");
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines[..15]), SRC),
        SRC,
    );
    assert_eq!(line, 16);
    assert_eq!(
        message,
        "the file is truncated: it ends where a row of b[1] was expected"
    );
}

#[test]
fn a_file_cut_in_the_middle_of_a_row_is_refused() {
    // Line 10 is the second row of W[1]: keep it up to the end of its first number.
    let lines = seed_lines();
    assert_eq!(lines[7], "block W[1] 4 3");
    let mut text = join(&lines[..9]);
    let first_number = lines[9].split(' ').next().unwrap();
    text.push_str(first_number);
    let (line, _, message) =
        parse_error(persist::from_str::<f64, SeedNetwork<f64>>(&text, SRC), SRC);
    assert_eq!(line, 10);
    assert_eq!(message, "a row of W[1] needs 3 numbers, found 1");
}

#[test]
fn a_row_with_too_many_numbers_is_refused() {
    // Line 9 is the first row of W[1].
    let mut lines = seed_lines();
    lines[8].push_str(" 1.5");
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!(line, 9);
    assert_eq!(message, "a row of W[1] needs 3 numbers, found 4");
}

#[test]
fn a_malformed_number_is_refused_with_its_line_and_column() {
    // The second number of line 10 (W[1], row 2).
    let mut lines = seed_lines();
    let mut fields: Vec<&str> = lines[9].split(' ').collect();
    fields[1] = "0.2x5";
    lines[9] = fields.join(" ");
    let text = join(&lines);

    let result = persist::from_str::<f64, SeedNetwork<f64>>(&text, SRC);
    let err = result.clone().unwrap_err();
    let (line, column, message) = parse_error(result, SRC);
    assert_eq!((line, column), (10, 2));
    assert_eq!(message, "\"0.2x5\" is not a number");
    assert_eq!(err.to_string(), "<string>:10:2: \"0.2x5\" is not a number");

    // Loaded from a file, the message starts with the file's path.
    let file = TempFile::new("malformed");
    std::fs::write(&file.0, &text).unwrap();
    let err = persist::load::<f64, SeedNetwork<f64>>(&file.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}:10:2: \"0.2x5\" is not a number", file.0.display())
    );
}

#[test]
fn a_malformed_block_count_or_size_is_refused_with_its_column() {
    let mut lines = seed_lines();
    lines[6] = "blocks six".to_string();
    let (line, column, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!((line, column), (7, 2));
    assert_eq!(message, "\"six\" is not a number");

    let mut lines = seed_lines();
    lines[7] = "block W[1] 4 -3".to_string();
    let (line, column, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!((line, column), (8, 4));
    assert_eq!(message, "\"-3\" is not a number");
}

#[test]
fn a_missing_end_is_refused() {
    let lines = seed_lines();
    assert_eq!(lines.len(), 28);
    assert_eq!(lines[27], "end");

    // The file stops after the last block.
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines[..27]), SRC),
        SRC,
    );
    assert_eq!(line, 28);
    assert_eq!(
        message,
        "the file is truncated: it ends where `end` was expected"
    );

    // Something else stands where `end` should.
    let mut other = lines.clone();
    other[27] = "fin".to_string();
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&other), SRC),
        SRC,
    );
    assert_eq!(line, 28);
    assert_eq!(
        message,
        "the parameters must be followed by `end`: expected `end`, found \"fin\""
    );
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let file = TempFile::new("does-not-exist");
    let err = persist::load::<f64, SeedNetwork<f64>>(&file.0).unwrap_err();
    let path = file.0.display().to_string();
    match &err {
        Error::Io { path: p, message } => {
            assert_eq!(p, &path);
            assert!(!message.is_empty());
        }
        other => panic!("expected Error::Io, got {other:?}"),
    }
    assert!(err.to_string().starts_with(&format!("{path}: ")));

    // Saving into a directory that does not exist names the path too.
    let nowhere = file.0.join("no").join("such").join("dir.txt");
    match persist::save(&SeedNetwork::<f64>::default(), &nowhere).unwrap_err() {
        Error::Io { path, .. } => assert_eq!(path, nowhere.display().to_string()),
        other => panic!("expected Error::Io, got {other:?}"),
    }
}

#[test]
fn a_bad_first_line_is_refused() {
    let mut lines = seed_lines();
    lines[0] = "backprop parameters 3".to_string();
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!(line, 1);
    assert_eq!(
        message,
        "the first line must be the format line: expected `backprop parameters 2`, \
         found \"backprop parameters 3\""
    );

    // A CSV file handed over by mistake.
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>("x1,x2,x3,label\n1,2,3,0\n", "data.csv"),
        "data.csv",
    );
    assert_eq!(line, 1);
    assert!(message.contains(r#"found "x1,x2,x3,label""#), "{message}");

    // An empty file.
    let (line, _, message) = parse_error(persist::from_str::<f64, SeedNetwork<f64>>("", SRC), SRC);
    assert_eq!(line, 1);
    assert_eq!(
        message,
        "the file is truncated: it ends where `backprop parameters 2` was expected"
    );
}

#[test]
fn a_nan_or_infinite_parameter_is_refused_with_its_line_and_column() {
    for bad in ["NaN", "inf", "-inf"] {
        // The third number of line 9 (W[1], row 1).
        let mut lines = seed_lines();
        let mut fields: Vec<&str> = lines[8].split(' ').collect();
        fields[2] = bad;
        lines[8] = fields.join(" ");
        let (line, column, message) = parse_error(
            persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
            SRC,
        );
        assert_eq!((line, column), (9, 3), "{bad}");
        assert!(
            message.contains("not a finite number") && message.contains("W[1]"),
            "{message}"
        );
    }
}

#[test]
fn anything_after_end_is_refused() {
    let mut text = persist::to_string(&network_with::<f64>(&[], 3));
    let end_line = text.lines().count();
    text.push_str("0.5\n");
    let (line, _, message) =
        parse_error(persist::from_str::<f64, SeedNetwork<f64>>(&text, SRC), SRC);
    assert_eq!(line, end_line + 1);
    assert_eq!(message, "unexpected \"0.5\" after `end`");
}

// ----- Activations -----------------------------------------------------------------------

#[test]
fn a_relu_networks_file_is_refused_by_a_tanh_network_naming_line_and_column() {
    // Same shapes as the seed network, but tanh where it has ReLU: line 4 is `layer 1
    // relu`, and the activation's name is its third field.
    type TanhNet = (
        Dense<f64, 3, 4, Tanh>,
        Dense<f64, 4, 2, Tanh>,
        Dense<f64, 2, 1, Identity>,
    );
    let text = persist::to_string(&network_with::<f64>(&[], 5));
    assert_eq!(text.lines().nth(3), Some("layer 1 relu"));
    let (line, column, message) = parse_error(persist::from_str::<f64, TanhNet>(&text, SRC), SRC);
    assert_eq!((line, column), (4, 3));
    assert_eq!(
        message,
        "layer 1 is \"relu\" in the file, but the network's layer 1 is tanh"
    );

    // Through a file, the message starts with path:line:column.
    let file = TempFile::new("relu-into-tanh");
    std::fs::write(&file.0, &text).unwrap();
    let err = persist::load::<f64, TanhNet>(&file.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:4:3: layer 1 is \"relu\" in the file, but the network's layer 1 is tanh",
            file.0.display()
        )
    );

    // Only the last layer differs (sigmoid instead of identity): line 6.
    type SigmoidOut = (
        Dense<f64, 3, 4, Relu>,
        Dense<f64, 4, 2, Relu>,
        Dense<f64, 2, 1, Sigmoid>,
    );
    let (line, column, message) =
        parse_error(persist::from_str::<f64, SigmoidOut>(&text, SRC), SRC);
    assert_eq!((line, column), (6, 3));
    assert_eq!(
        message,
        "layer 3 is \"identity\" in the file, but the network's layer 3 is sigmoid"
    );
}

/// A 3 → 4 → 1 network whose hidden layer is a leaky ReLU of slope `slope`.
type Leaky<T> = (Dense<T, 3, 4, LeakyRelu<T>>, Dense<T, 4, 1, Identity>);

fn leaky<T: Scalar>(slope: T, seed: u64) -> Leaky<T> {
    let mut net = Leaky::<T>::default();
    let mut rng = Rng::new(seed);
    net.initialize(&mut rng);
    net.0.activation.slope = slope;
    net
}

#[test]
fn a_leaky_relu_slope_of_0_3_comes_back_as_0_3() {
    // f64: the slope is written like a parameter, shortest round-trip form.
    let net = leaky(0.3f64, 6);
    let text = persist::to_string(&net);
    assert_eq!(text.lines().nth(3), Some("layer 1 leaky_relu 0.3"));
    let back: Leaky<f64> = persist::from_str(&text, SRC).unwrap();
    assert_eq!(back.0.activation.slope.to_bits(), 0.3f64.to_bits());
    assert_eq!(bits(&back), bits(&net));
    assert_eq!(persist::to_string(&back), text);

    // f32, and a slope with no short decimal form, through a file.
    let slope = 1.0f32 / 3.0;
    let net = leaky(slope, 7);
    let file = TempFile::new("leaky");
    persist::save(&net, &file.0).unwrap();
    let back: Leaky<f32> = persist::load(&file.0).unwrap();
    assert_eq!(back.0.activation.slope.to_bits(), slope.to_bits());
    assert_eq!(bits(&back), bits(&net));
}

#[test]
fn a_malformed_missing_or_misnumbered_activation_constant_is_refused_with_its_place() {
    let lines: Vec<String> = persist::to_string(&leaky(0.3f64, 8))
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines[3], "layer 1 leaky_relu 0.3");
    let cases = [
        (
            "layer 1 leaky_relu 0.3x",
            (4, 4),
            "\"0.3x\" is not a number",
        ),
        (
            "layer 1 leaky_relu inf",
            (4, 4),
            "\"inf\", a constant of the leaky_relu of layer 1, is not a finite number",
        ),
        (
            "layer 1 leaky_relu",
            (4, 0),
            "the leaky_relu of layer 1 has 1 constant(s), found 0",
        ),
        (
            "layer 2 leaky_relu 0.3",
            (4, 2),
            "expected layer 1, found layer 2",
        ),
        (
            "leaky_relu 0.3",
            (4, 0),
            "expected `layer 1` followed by its activation, found \"leaky_relu 0.3\"",
        ),
    ];
    for (bad, place, expected) in cases {
        let mut changed = lines.clone();
        changed[3] = bad.to_string();
        let (line, column, message) = parse_error(
            persist::from_str::<f64, Leaky<f64>>(&join(&changed), SRC),
            SRC,
        );
        assert_eq!((line, column), place, "{bad}");
        assert_eq!(message, expected, "{bad}");
    }
}

// ----- Versions --------------------------------------------------------------------------

/// The seed network's text in format 1: format 2 without its `layers` section.
fn version_1(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.starts_with("layer")) {
        out.push_str(&line.replace("backprop parameters 2", "backprop parameters 1"));
        out.push('\n');
    }
    out
}

#[test]
fn a_version_1_file_is_refused_with_the_lines_that_convert_it() {
    let net = network_with::<f64>(&awkward_f64(), 9);
    let v2 = persist::to_string(&net);
    let v1 = version_1(&v2);
    assert!(v1.starts_with("backprop parameters 1\nscalar f64\nblocks 6\n"));

    let (line, column, message) =
        parse_error(persist::from_str::<f64, SeedNetwork<f64>>(&v1, SRC), SRC);
    assert_eq!((line, column), (1, 0));
    assert_eq!(
        message,
        "this file is in format 1, which does not record the layers' activations; \
         to load it, change this line to `backprop parameters 2` and insert after the \
         `scalar` line one line per layer, which for this network are `layers 3`, \
         `layer 1 relu`, `layer 2 relu`, `layer 3 identity` (check that these are the \
         activations the file was trained with)"
    );

    // Following the message gives back the format-2 file, which loads bit for bit.
    let mut lines: Vec<&str> = v1.lines().collect();
    lines[0] = "backprop parameters 2";
    let converted = [
        &lines[..2],
        &[
            "layers 3",
            "layer 1 relu",
            "layer 2 relu",
            "layer 3 identity",
        ],
        &lines[2..],
    ]
    .concat()
    .join("\n")
        + "\n";
    assert_eq!(converted, v2);
    let back: SeedNetwork<f64> = persist::from_str(&converted, SRC).unwrap();
    assert_eq!(bits(&back), bits(&net));
}

// ----- Loading into an existing network ----------------------------------------------------

#[test]
fn load_into_fills_an_existing_network_and_leaves_it_unchanged_on_error() {
    let saved = leaky(0.3f64, 10);
    let file = TempFile::new("load-into");
    persist::save(&saved, &file.0).unwrap();

    // Filled: parameters and slope.
    let mut net = leaky(0.01f64, 11);
    persist::load_into(&mut net, &file.0).unwrap();
    assert_eq!(bits(&net), bits(&saved));
    assert_eq!(net.0.activation.slope.to_bits(), 0.3f64.to_bits());

    // Refused at the very end (a missing `end`, after every number was read): the
    // network keeps every parameter and its slope.
    let before = leaky(0.01f64, 12);
    let mut net = before;
    let text = persist::to_string(&saved);
    let cut = text.strip_suffix("end\n").unwrap();
    assert!(persist::from_str_into(&mut net, cut, SRC).is_err());
    assert_eq!(bits(&net), bits(&before));
    assert_eq!(net.0.activation.slope.to_bits(), 0.01f64.to_bits());

    // Refused in the middle of a block, through a file.
    let mut lines: Vec<&str> = text.lines().collect();
    lines[12] = "0.5 oops";
    std::fs::write(&file.0, lines.join("\n")).unwrap();
    assert!(persist::load_into(&mut net, &file.0).is_err());
    assert_eq!(bits(&net), bits(&before));
}

#[test]
fn a_heap_dense_network_writes_the_same_file_as_its_dense_twin() {
    type Twin = (
        HeapDense<f64, 3, 4, Relu>,
        HeapDense<f64, 4, 2, Relu>,
        HeapDense<f64, 2, 1, Identity>,
    );
    let dense = network_with::<f64>(&awkward_f64(), 13);
    let heap: Twin = (
        HeapDense::from_dense(&dense.0),
        HeapDense::from_dense(&dense.1),
        HeapDense::from_dense(&dense.2),
    );
    let text = persist::to_string(&dense);
    assert_eq!(persist::to_string(&heap), text);

    // Either loads the other's file, bit for bit.
    let back: Twin = persist::from_str(&text, SRC).unwrap();
    assert_eq!(bits(&back), bits(&dense));
    let back: SeedNetwork<f64> = persist::from_str(&persist::to_string(&heap), SRC).unwrap();
    assert_eq!(bits(&back), bits(&dense));
    assert_eq!(
        back.0.weights,
        Matrix::from_rows(*heap.0.weights.as_array())
    );
}
