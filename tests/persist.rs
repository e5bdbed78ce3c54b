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

use backprop::network::SeedNetwork;
use backprop::persist;
use backprop::rng::Rng;
use backprop::{Dense, Error, Identity, Parameters, Relu, Scalar};
use std::path::PathBuf;

/// Every parameter of `p`, in block order, as raw bits.
fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// A seed network whose first parameters are `special` and the rest drawn from `N(0, 1)`.
fn network_with<T: Scalar>(special: &[T], seed: u64) -> SeedNetwork<T> {
    let mut net = SeedNetwork::<T>::default();
    let mut rng = Rng::new(seed);
    for block in net.blocks_mut() {
        rng.fill_normal(block, T::ZERO, T::ONE);
    }
    for (slot, v) in net.blocks_mut().flatten().zip(special) {
        *slot = *v;
    }
    net
}

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
        "backprop parameters 1\n\
         scalar f64\n\
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
    assert_eq!(text.lines().nth(1), Some("scalar f32"));
    assert_eq!(text.lines().count(), 24); // 3 + (1 + 4) + (1 + 4) + (1 + 2) + (1 + 2) + 2 + 2 + 1
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
    // 3 → 5 → 1: four blocks, where the seed network (3 → 4 → 2 → 1) has six.
    let other: (Dense<f64, 3, 5, Relu>, Dense<f64, 5, 1, Identity>) = Default::default();
    let result = persist::from_str::<f64, SeedNetwork<f64>>(&persist::to_string(&other), SRC);
    let (line, column, message) = parse_error(result, SRC);
    assert_eq!((line, column), (3, 0));
    assert_eq!(
        message,
        "the file has 4 parameter blocks, but the network has 6"
    );
}

#[test]
fn a_file_for_layers_of_other_sizes_is_refused_naming_the_block() {
    // 3 → 5 → 2 → 1: six blocks too, but W[1] is 5×3, not 4×3 (line 4).
    let wider: (
        Dense<f64, 3, 5, Relu>,
        Dense<f64, 5, 2, Relu>,
        Dense<f64, 2, 1, Identity>,
    ) = Default::default();
    let result = persist::from_str::<f64, SeedNetwork<f64>>(&persist::to_string(&wider), SRC);
    let (line, column, message) = parse_error(result, SRC);
    assert_eq!((line, column), (4, 0));
    assert_eq!(
        message,
        "block 1 is 5×3 (W[1]) in the file, but the network's block 1 is W[1], 4×3"
    );

    // 3 → 4 → 3 → 1: the first two blocks fit, W[2] (block 3, line 14) does not.
    let deeper: (
        Dense<f64, 3, 4, Relu>,
        Dense<f64, 4, 3, Relu>,
        Dense<f64, 3, 1, Identity>,
    ) = Default::default();
    let result = persist::from_str::<f64, SeedNetwork<f64>>(&persist::to_string(&deeper), SRC);
    let (line, _, message) = parse_error(result, SRC);
    assert_eq!(line, 14);
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
        "the file holds f32 parameters, but the network is f64"
    );

    let f64_text = persist::to_string(&network_with::<f64>(&[], 4));
    let (_, _, message) = parse_error(
        persist::from_str::<f32, SeedNetwork<f32>>(&f64_text, SRC),
        SRC,
    );
    assert_eq!(
        message,
        "the file holds f64 parameters, but the network is f32"
    );
}

#[test]
fn a_file_cut_in_the_middle_of_a_block_is_refused_as_truncated() {
    // Lines 10–13 are the four rows of b[1]; keep the first two.
    let lines = seed_lines();
    assert_eq!(lines[8], "block b[1] 4 1");
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines[..11]), SRC),
        SRC,
    );
    assert_eq!(line, 12);
    assert_eq!(
        message,
        "the file is truncated: it ends where a row of b[1] was expected"
    );
}

#[test]
fn a_file_cut_in_the_middle_of_a_row_is_refused() {
    // Line 6 is the second row of W[1]: keep it up to the end of its first number.
    let lines = seed_lines();
    let mut text = join(&lines[..5]);
    let first_number = lines[5].split(' ').next().unwrap();
    text.push_str(first_number);
    let (line, _, message) =
        parse_error(persist::from_str::<f64, SeedNetwork<f64>>(&text, SRC), SRC);
    assert_eq!(line, 6);
    assert_eq!(message, "a row of W[1] needs 3 numbers, found 1");
}

#[test]
fn a_row_with_too_many_numbers_is_refused() {
    let mut lines = seed_lines();
    lines[4].push_str(" 1.5");
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!(line, 5);
    assert_eq!(message, "a row of W[1] needs 3 numbers, found 4");
}

#[test]
fn a_malformed_number_is_refused_with_its_line_and_column() {
    // The second number of line 6 (W[1], row 2).
    let mut lines = seed_lines();
    let mut fields: Vec<&str> = lines[5].split(' ').collect();
    fields[1] = "0.2x5";
    lines[5] = fields.join(" ");
    let text = join(&lines);

    let result = persist::from_str::<f64, SeedNetwork<f64>>(&text, SRC);
    let err = result.clone().unwrap_err();
    let (line, column, message) = parse_error(result, SRC);
    assert_eq!((line, column), (6, 2));
    assert_eq!(message, "`0.2x5` is not a number");
    assert_eq!(err.to_string(), "<string>:6:2: `0.2x5` is not a number");

    // Loaded from a file, the message starts with the file's path.
    let file = TempFile::new("malformed");
    std::fs::write(&file.0, &text).unwrap();
    let err = persist::load::<f64, SeedNetwork<f64>>(&file.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}:6:2: `0.2x5` is not a number", file.0.display())
    );
}

#[test]
fn a_malformed_block_count_or_size_is_refused_with_its_column() {
    let mut lines = seed_lines();
    lines[2] = "blocks six".to_string();
    let (line, column, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!((line, column), (3, 2));
    assert_eq!(message, "`six` is not a number");

    let mut lines = seed_lines();
    lines[3] = "block W[1] 4 -3".to_string();
    let (line, column, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!((line, column), (4, 4));
    assert_eq!(message, "`-3` is not a number");
}

#[test]
fn a_missing_end_is_refused() {
    let lines = seed_lines();
    assert_eq!(lines.len(), 24);
    assert_eq!(lines[23], "end");

    // The file stops after the last block.
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines[..23]), SRC),
        SRC,
    );
    assert_eq!(line, 24);
    assert_eq!(
        message,
        "the file is truncated: it ends where `end` was expected"
    );

    // Something else stands where `end` should.
    let mut other = lines.clone();
    other[23] = "fin".to_string();
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&other), SRC),
        SRC,
    );
    assert_eq!(line, 24);
    assert_eq!(
        message,
        "the parameters must be followed by `end`: expected `end`, found `fin`"
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
    lines[0] = "backprop parameters 2".to_string();
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
        SRC,
    );
    assert_eq!(line, 1);
    assert_eq!(
        message,
        "the first line must be the format line: expected `backprop parameters 1`, \
         found `backprop parameters 2`"
    );

    // A CSV file handed over by mistake.
    let (line, _, message) = parse_error(
        persist::from_str::<f64, SeedNetwork<f64>>("x1,x2,x3,label\n1,2,3,0\n", "data.csv"),
        "data.csv",
    );
    assert_eq!(line, 1);
    assert!(message.contains("found `x1,x2,x3,label`"), "{message}");

    // An empty file.
    let (line, _, message) = parse_error(persist::from_str::<f64, SeedNetwork<f64>>("", SRC), SRC);
    assert_eq!(line, 1);
    assert_eq!(
        message,
        "the file is truncated: it ends where `backprop parameters 1` was expected"
    );
}

#[test]
fn a_nan_or_infinite_parameter_is_refused_with_its_line_and_column() {
    for bad in ["NaN", "inf", "-inf"] {
        // The third number of line 5 (W[1], row 1).
        let mut lines = seed_lines();
        let mut fields: Vec<&str> = lines[4].split(' ').collect();
        fields[2] = bad;
        lines[4] = fields.join(" ");
        let (line, column, message) = parse_error(
            persist::from_str::<f64, SeedNetwork<f64>>(&join(&lines), SRC),
            SRC,
        );
        assert_eq!((line, column), (5, 3), "{bad}");
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
    assert_eq!(message, "unexpected `0.5` after `end`");
}
