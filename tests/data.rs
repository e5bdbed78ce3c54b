//! `backprop::data` reads the bundled breast-cancer CSV correctly, rejects every kind of
//! bad input with an error that names the file, line and column and says what is wrong,
//! splits by class reproducibly, standardises with training statistics, and lays out
//! batches with one example per column.
//!
//! The expected counts of `examples/data/breast_cancer.csv` (455 rows, 30 features, 170
//! zeros and 285 ones) are those stated in `examples/data/SOURCE.md`, and were recounted
//! with `awk -F, '{print NF}'` and `cut -d, -f31 | sort | uniq -c`.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{CsvOptions, Dataset, LabelColumn, Standardizer};
use backprop::{Error, Matrix};

fn breast_cancer_path() -> String {
    format!(
        "{}/examples/data/breast_cancer.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn breast_cancer() -> Dataset<f64> {
    Dataset::from_csv_path(breast_cancer_path(), &CsvOptions::new().binary(true)).unwrap()
}

/// Parses `text` as `toy.csv` and returns the error's (line, column, message, display).
fn parse_error(text: &str, options: &CsvOptions) -> (usize, usize, String, String) {
    match Dataset::<f64>::from_csv_str(text, "toy.csv", options) {
        Err(e @ Error::Parse { .. }) => {
            let display = e.to_string();
            let Error::Parse {
                source,
                line,
                column,
                message,
            } = e
            else {
                unreachable!()
            };
            assert_eq!(source, "toy.csv");
            (line, column, message, display)
        }
        other => panic!("expected a parse error for {text:?}, got {other:?}"),
    }
}

fn default_error(text: &str) -> (usize, usize, String, String) {
    parse_error(text, &CsvOptions::new())
}

/// The (population) mean and standard deviation of feature `j`.
fn mean_std(data: &Dataset<f64>, j: usize) -> (f64, f64) {
    let n = data.len() as f64;
    let mean = data.iter().map(|(x, _)| x[j]).sum::<f64>() / n;
    let var = data.iter().map(|(x, _)| (x[j] - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Every example as comparable bits, sorted: equal for two sets with the same examples.
fn sorted_rows(data: &Dataset<f64>) -> Vec<Vec<u64>> {
    let mut rows: Vec<Vec<u64>> = data
        .iter()
        .map(|(x, y)| x.iter().chain([&y]).map(|v| v.to_bits()).collect())
        .collect();
    rows.sort();
    rows
}

// ----- The bundled data set -----------------------------------------------------------

#[test]
fn breast_cancer_csv_has_455_rows_30_features_170_zeros_and_285_ones() {
    let data = breast_cancer();
    assert_eq!(data.len(), 455);
    assert_eq!(data.n_features(), 30);
    assert_eq!(data.class_counts(), vec![(0.0, 170), (1.0, 285)]);
    assert_eq!(data.feature_names().len(), 30);
    assert_eq!(data.feature_names()[0], "mean_radius");
    assert_eq!(data.feature_names()[29], "worst_fractal_dimension");
    assert_eq!(data.label_name(), "label");
    assert!(data.check_binary().is_ok());
}

#[test]
fn breast_cancer_first_row_is_read_field_by_field() {
    // The first data line of the file begins `10.94,18.59,70.39,370,0.1004,` and ends
    // `,0.2251,0.07732,1`.
    let data = breast_cancer();
    let x = data.features(0);
    assert_eq!(&x[..5], &[10.94, 18.59, 70.39, 370.0, 0.1004]);
    assert_eq!(&x[28..], &[0.2251, 0.07732]);
    assert_eq!(data.label(0), 1.0);
}

#[test]
fn breast_cancer_reads_the_same_in_f32_rounded_from_f64() {
    let opts = CsvOptions::new().binary(true);
    let d32 = Dataset::<f32>::from_csv_path(breast_cancer_path(), &opts).unwrap();
    let d64 = breast_cancer();
    assert_eq!(d32.len(), 455);
    for (a, b) in d32
        .features_row_major()
        .iter()
        .zip(d64.features_row_major())
    {
        assert_eq!(*a, *b as f32);
    }
}

#[test]
fn choosing_the_label_by_name_gives_the_same_data_as_the_default_last_column() {
    let by_name = Dataset::<f64>::from_csv_path(
        breast_cancer_path(),
        &CsvOptions::new().label_name("label").binary(true),
    )
    .unwrap();
    assert_eq!(by_name, breast_cancer());
}

// ----- The CSV dialect ----------------------------------------------------------------

#[test]
fn crlf_spaces_trailing_newline_and_blank_trailing_lines_are_accepted() {
    let clean = "a,b,label\n1,2,0\n3,4,1";
    let messy = "a , b,\tlabel \r\n 1 , 2,0\r\n3,4 ,1\r\n\r\n   \r\n\n";
    let opts = CsvOptions::new();
    let a = Dataset::<f64>::from_csv_str(clean, "x.csv", &opts).unwrap();
    let b = Dataset::<f64>::from_csv_str(messy, "x.csv", &opts).unwrap();
    assert_eq!(a, b);
    assert_eq!(b.feature_names(), &["a", "b"]);
    assert_eq!(b.features(1), &[3.0, 4.0]);
}

#[test]
fn a_byte_order_mark_and_quoted_header_names_are_read() {
    let text = "\u{feff}\"radius, mean\",\"say \"\"hi\"\"\",label\n1,2,1\n";
    let d = Dataset::<f64>::from_csv_str(text, "x.csv", &CsvOptions::new()).unwrap();
    assert_eq!(d.feature_names(), &["radius, mean", "say \"hi\""]);
    assert_eq!(d.labels(), &[1.0]);
}

#[test]
fn a_label_column_in_the_middle_leaves_the_other_columns_as_features_in_order() {
    let text = "a,y,b\n1,0,2\n3,1,4\n";
    let d =
        Dataset::<f64>::from_csv_str(text, "x.csv", &CsvOptions::new().label_name("y")).unwrap();
    assert_eq!(d.feature_names(), &["a", "b"]);
    assert_eq!(d.features(0), &[1.0, 2.0]);
    assert_eq!(d.features(1), &[3.0, 4.0]);
    assert_eq!(d.labels(), &[0.0, 1.0]);
}

#[test]
fn without_a_header_the_label_can_be_the_first_column_and_features_are_named_x1_to_xd() {
    let opts = CsvOptions::new().header(false).label_index(0);
    assert_eq!(opts.label, LabelColumn::Index(0));
    let d = Dataset::<f64>::from_csv_str("1,5,6\n0,7,8\n", "x.csv", &opts).unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d.feature_names(), &["x1", "x2"]);
    assert_eq!(d.label_name(), "y");
    assert_eq!(d.features(1), &[7.0, 8.0]);
    assert_eq!(d.labels(), &[1.0, 0.0]);
}

#[test]
fn labels_other_than_0_and_1_are_accepted_when_binary_is_not_asked_for() {
    let d =
        Dataset::<f64>::from_csv_str("a,y\n1,2.5\n2,-1\n", "x.csv", &CsvOptions::new()).unwrap();
    assert_eq!(d.labels(), &[2.5, -1.0]);
    let err = d.check_binary().unwrap_err().to_string();
    assert!(err.contains("example 0 has the label 2.5"), "{err}");
}

// ----- Errors: each names the file, line and column -----------------------------------

#[test]
fn a_field_that_is_not_a_number_is_quoted_with_its_line_and_column() {
    let (line, column, message, display) = default_error("a,b,label\n1,2,0\n3,abc,1\n");
    assert_eq!((line, column), (3, 2));
    assert!(display.starts_with("toy.csv:3:2: "), "{display}");
    assert!(message.contains("\"abc\""), "{message}");
    assert!(message.contains("column \"b\""), "{message}");
    assert!(message.contains("not a number"), "{message}");
}

#[test]
fn an_empty_field_is_reported_as_empty() {
    let (line, column, message, _) = default_error("a,b,label\n1,,0\n");
    assert_eq!((line, column), (2, 2));
    assert!(message.contains("empty field"), "{message}");
}

#[test]
fn nan_is_rejected_with_its_place() {
    let (line, column, message, display) = default_error("a,b,label\n1,2,0\nNaN,4,1\n");
    assert_eq!((line, column), (3, 1));
    assert!(display.starts_with("toy.csv:3:1: "), "{display}");
    assert!(
        message.contains("\"NaN\"") && message.contains("finite"),
        "{message}"
    );
}

#[test]
fn infinities_are_rejected_with_their_place() {
    let (line, column, message, _) = default_error("a,b,label\n1,-inf,0\n");
    assert_eq!((line, column), (2, 2));
    assert!(
        message.contains("\"-inf\" in column \"b\" is infinite"),
        "{message}"
    );
    // A literal too large for f64 rounds to infinity: reported as too large.
    let (line, column, message, _) = default_error("a,b,label\n1,2,0\n1e400,2,0\n");
    assert_eq!((line, column), (3, 1));
    assert!(
        message.contains("\"1e400\"") && message.contains("too large"),
        "{message}"
    );
}

#[test]
fn a_value_beyond_the_range_of_f32_is_rejected_when_loading_f32() {
    let text = "a,label\n1e39,0\n";
    assert!(Dataset::<f64>::from_csv_str(text, "toy.csv", &CsvOptions::new()).is_ok());
    let err = Dataset::<f32>::from_csv_str(text, "toy.csv", &CsvOptions::new()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("toy.csv:2:1: "), "{msg}");
    assert!(msg.contains("too large for f32"), "{msg}");
}

#[test]
fn a_row_with_too_few_fields_says_expected_and_found() {
    let (line, column, message, display) = default_error("a,b,label\n1,2,0\n3,4\n");
    assert_eq!((line, column), (3, 3));
    assert!(display.starts_with("toy.csv:3:3: "), "{display}");
    assert!(message.contains("expected 3 fields"), "{message}");
    assert!(message.contains("found 2"), "{message}");
}

#[test]
fn a_row_with_too_many_fields_points_at_the_first_extra_field() {
    let (line, column, message, _) = default_error("a,b,label\n1,2,0,9\n");
    assert_eq!((line, column), (2, 4));
    assert!(message.contains("expected 3 fields") && message.contains("found 4"));
}

#[test]
fn a_label_other_than_0_or_1_is_rejected_in_binary_mode() {
    let binary = CsvOptions::new().binary(true);
    let (line, column, message, display) = parse_error("a,b,label\n1,2,0\n3,4,2\n", &binary);
    assert_eq!((line, column), (3, 3));
    assert!(display.starts_with("toy.csv:3:3: "), "{display}");
    assert!(
        message.contains("\"2\"") && message.contains("must be 0 or 1"),
        "{message}"
    );
    let (line, column, _, _) = parse_error("a,b,label\n1,2,0.5\n", &binary);
    assert_eq!((line, column), (2, 3));
    // 1.0 and 0e0 are the numbers 1 and 0: accepted.
    assert!(Dataset::<f64>::from_csv_str("a,label\n1,1.0\n2,0e0\n", "t", &binary).is_ok());
}

#[test]
fn an_empty_file_is_rejected_as_empty() {
    for text in ["", "\n", "\r\n  \n\n"] {
        let (line, column, message, display) = default_error(text);
        assert_eq!((line, column), (1, 0));
        assert!(display.starts_with("toy.csv:1: "), "{display}");
        assert!(message.contains("empty"), "{message}");
    }
}

#[test]
fn a_header_without_data_rows_is_rejected() {
    let (line, column, message, display) = default_error("a,b,label\n\n");
    assert_eq!((line, column), (2, 0));
    assert!(display.starts_with("toy.csv:2: "), "{display}");
    assert!(message.contains("no rows of data"), "{message}");
}

#[test]
fn a_missing_label_column_name_lists_the_columns_there_are() {
    let opts = CsvOptions::new().label_name("target");
    let (line, column, message, display) = parse_error("a,b,label\n1,2,0\n", &opts);
    assert_eq!((line, column), (1, 0));
    assert!(display.starts_with("toy.csv:1: "), "{display}");
    assert!(message.contains("no column named \"target\""), "{message}");
    assert!(message.contains(r#""a", "b", "label""#), "{message}");
}

#[test]
fn a_label_column_name_that_appears_twice_is_ambiguous() {
    let opts = CsvOptions::new().label_name("y");
    let (line, column, message, _) = parse_error("y,b,y\n1,2,0\n", &opts);
    assert_eq!((line, column), (1, 3));
    assert!(
        message.contains("appears twice, in columns 1 and 3"),
        "{message}"
    );
}

#[test]
fn a_label_index_past_the_last_column_is_rejected() {
    let opts = CsvOptions::new().label_index(3);
    let (line, column, message, _) = parse_error("a,b,label\n1,2,0\n", &opts);
    assert_eq!((line, column), (1, 0));
    assert!(
        message.contains("index 3") && message.contains("3 columns"),
        "{message}"
    );
}

#[test]
fn a_label_name_without_a_header_row_is_an_invalid_option() {
    let opts = CsvOptions::new().header(false).label_name("label");
    let err = Dataset::<f64>::from_csv_str("1,2\n", "toy.csv", &opts).unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with("toy.csv: ") && msg.contains("no header row"),
        "{msg}"
    );
}

#[test]
fn a_single_column_leaves_no_features() {
    let (line, column, message, _) = default_error("label\n1\n");
    assert_eq!((line, column), (1, 0));
    assert!(message.contains("at least one feature column"), "{message}");
}

#[test]
fn a_blank_line_before_the_last_row_is_reported_at_its_line() {
    let (line, column, message, _) = default_error("a,label\n1,0\n\n2,1\n");
    assert_eq!((line, column), (3, 0));
    assert!(message.contains("blank line"), "{message}");
}

#[test]
fn an_unclosed_quote_is_reported_at_its_field() {
    let (line, column, message, _) = default_error("a,\"b,label\n1,2,0\n");
    assert_eq!((line, column), (1, 2));
    assert!(message.contains("not closed"), "{message}");
    let (line, column, message, _) = default_error("a,\"b\"x,label\n1,2,0\n");
    assert_eq!((line, column), (1, 2));
    assert!(message.contains("after the closing quote"), "{message}");
}

#[test]
fn an_unreadable_file_is_an_io_error_naming_the_path() {
    let path = format!(
        "{}/examples/data/no_such_file.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let err = Dataset::<f64>::from_csv_path(&path, &CsvOptions::new()).unwrap_err();
    match &err {
        Error::Io { path: p, .. } => assert_eq!(p, &path),
        other => panic!("expected Error::Io, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("{path}: cannot read")), "{msg}");
}

/// Writes `bytes` to a fresh file in the temporary directory and returns its path.
fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("backprop-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn errors_in_a_file_name_the_file_path() {
    let path = temp_file("bad-value.csv", b"a,label\n1,0\nx,1\n");
    let err = Dataset::<f64>::from_csv_path(&path, &CsvOptions::new()).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:3:1: ", path.display())),
        "{msg}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_the_line_and_field_of_the_bad_byte() {
    let path = temp_file("latin1.csv", b"a,b,label\n1,2,0\n3,\xE94,1\n");
    let err = Dataset::<f64>::from_csv_path(&path, &CsvOptions::new()).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:3:2: ", path.display())),
        "{msg}"
    );
    assert!(msg.contains("not UTF-8") && msg.contains("0xE9"), "{msg}");
}

// ----- Construction from parts and access ---------------------------------------------

#[test]
fn from_parts_checks_the_count_and_finiteness_of_values() {
    let err = Dataset::<f64>::from_parts(vec![1.0; 5], vec![0.0, 1.0], 3).unwrap_err();
    assert!(
        err.to_string().contains("need 6 feature values, but 5"),
        "{err}"
    );
    let err = Dataset::<f64>::from_parts(vec![], vec![], 0).unwrap_err();
    assert!(err.to_string().contains("n_features is 0"), "{err}");
    let err =
        Dataset::<f64>::from_parts(vec![1.0, 2.0, 3.0, f64::NAN], vec![0.0, 1.0], 2).unwrap_err();
    assert!(
        err.to_string().contains("feature 1 of example 1 is NaN"),
        "{err}"
    );
    let err = Dataset::<f64>::from_parts(vec![1.0, 2.0], vec![f64::INFINITY], 2).unwrap_err();
    assert!(
        err.to_string().contains("label of example 0 is inf"),
        "{err}"
    );
}

#[test]
fn get_is_none_out_of_range_and_iter_walks_the_examples_in_order() {
    let d = Dataset::from_parts(vec![1.0, 2.0, 3.0, 4.0], vec![0.0, 1.0], 2).unwrap();
    assert_eq!(d.get(1), Some((&[3.0, 4.0][..], 1.0)));
    assert_eq!(d.get(2), None);
    let pairs: Vec<_> = d.iter().collect();
    assert_eq!(pairs, vec![(&[1.0, 2.0][..], 0.0), (&[3.0, 4.0][..], 1.0)]);
    assert_eq!(d.feature_names(), &["x1", "x2"]);
    assert_eq!(d.name(), "synthetic data");
    let named = d.with_feature_names(vec!["u".into(), "v".into()]).unwrap();
    assert_eq!(named.feature_names(), &["u", "v"]);
    assert!(named.with_feature_names(vec!["u".into()]).is_err());
}

// ----- Feature counts and batches -----------------------------------------------------

#[test]
fn check_features_names_the_network_inputs_and_the_file_feature_count() {
    let data = breast_cancer().with_name("breast_cancer.csv");
    assert!(data.check_features::<30>().is_ok());
    let err = data.check_features::<31>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the network takes 31 inputs but breast_cancer.csv has 30 feature columns"
    );
}

#[test]
fn fill_batch_puts_example_indices_k_in_column_k() {
    let data = breast_cancer();
    let indices = [4, 0, 454, 2];
    let mut x = Matrix::<f64, 30, 4>::zeros();
    let mut y = Matrix::<f64, 1, 4>::zeros();
    data.fill_batch(&indices, &mut x, &mut y).unwrap();
    for (k, &i) in indices.iter().enumerate() {
        for r in 0..30 {
            assert_eq!(x[(r, k)], data.features(i)[r], "row {r}, column {k}");
        }
        assert_eq!(y[(0, k)], data.label(i));
    }
    // The same batch, built and returned.
    assert_eq!(data.batch::<30, 4>(&indices).unwrap(), (x, y));
}

#[test]
fn example_is_the_column_vector_of_one_example() {
    let data = breast_cancer();
    let (x, y) = data.example::<30>(7).unwrap();
    assert_eq!(x.as_slice(), data.features(7));
    assert_eq!(y, data.label(7));
    assert!(data.example::<30>(455).is_err());
    assert!(data.example::<29>(0).is_err());
}

#[test]
fn fill_batch_rejects_bad_shapes_and_indices_and_leaves_the_batch_unchanged() {
    let d = Dataset::from_parts(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], vec![0.0, 1.0, 1.0], 2)
        .unwrap()
        .with_name("tiny");
    let mut x = Matrix::<f64, 2, 2>::filled(9.0);
    let mut y = Matrix::<f64, 1, 2>::filled(9.0);
    let err = d.fill_batch(&[0, 1, 2], &mut x, &mut y).unwrap_err();
    assert!(
        err.to_string().contains("needs 2 example indices, but 3"),
        "{err}"
    );
    let err = d.fill_batch(&[0, 3], &mut x, &mut y).unwrap_err();
    assert_eq!(
        err.to_string(),
        "index 3 (position 1 of the index list) is out of range: tiny has 3 examples"
    );
    let mut x3 = Matrix::<f64, 3, 2>::zeros();
    let err = d.fill_batch(&[0, 1], &mut x3, &mut y).unwrap_err();
    assert!(
        err.to_string().contains("takes 3 inputs but tiny has 2"),
        "{err}"
    );
    assert_eq!(x, Matrix::filled(9.0));
    assert_eq!(y, Matrix::filled(9.0));
}

#[test]
fn subset_keeps_the_order_of_the_indices_and_rejects_an_index_out_of_range() {
    let d = Dataset::from_parts(vec![1.0, 2.0, 3.0], vec![0.0, 1.0, 2.0], 1).unwrap();
    let s = d.subset(&[2, 0, 2]).unwrap();
    assert_eq!(s.features_row_major(), &[3.0, 1.0, 3.0]);
    assert_eq!(s.labels(), &[2.0, 0.0, 2.0]);
    assert!(d.subset(&[3]).is_err());
    assert!(d.subset(&[]).unwrap().is_empty());
}

// ----- Stratified split ---------------------------------------------------------------

#[test]
fn stratified_split_of_breast_cancer_keeps_the_class_proportions() {
    // 20 % of 455 is 91: 170·0.2 = 34 zeros and 285·0.2 = 57 ones, both exact, so
    // both parts have exactly the data set's proportion 170/455 of zeros.
    let (train, test) = breast_cancer().stratified_split(0.2, 1).unwrap();
    assert_eq!(test.class_counts(), vec![(0.0, 34), (1.0, 57)]);
    assert_eq!(train.class_counts(), vec![(0.0, 136), (1.0, 228)]);
    assert!(train.name().ends_with("breast_cancer.csv (training part)"));
    assert!(test.name().ends_with("breast_cancer.csv (test part)"));
}

#[test]
fn stratified_split_is_a_partition_of_the_examples() {
    let data = breast_cancer();
    let (train, test) = data.stratified_split(0.3, 5).unwrap();
    assert_eq!(train.len() + test.len(), data.len());
    let mut both = sorted_rows(&train);
    both.extend(sorted_rows(&test));
    both.sort();
    assert_eq!(both, sorted_rows(&data));
}

#[test]
fn stratified_split_is_determined_by_the_seed() {
    let data = breast_cancer();
    let a = data.stratified_split(0.2, 42).unwrap();
    let b = data.stratified_split(0.2, 42).unwrap();
    let c = data.stratified_split(0.2, 43).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.1, c.1);
}

#[test]
fn stratified_split_gives_leftover_test_places_to_the_largest_remainders() {
    // Three classes of 5, 3 and 2 examples, test fraction 0.25: round(10·0.25) = 3 test
    // examples; shares 1.25, 0.75, 0.5 have floors 1, 0, 0 and remainders 0.25, 0.75,
    // 0.5, so the two missing places go to the classes of 3 and 2: test counts 1, 1, 1.
    let labels = vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0];
    let d = Dataset::from_parts((0..10).map(f64::from).collect(), labels, 1).unwrap();
    let (train, test) = d.stratified_split(0.25, 0).unwrap();
    assert_eq!(test.class_counts(), vec![(0.0, 1), (1.0, 1), (2.0, 1)]);
    assert_eq!(train.class_counts(), vec![(0.0, 4), (1.0, 2), (2.0, 1)]);
    // Both parts keep the original order.
    assert!(train.features_row_major().windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn stratified_split_rejects_fractions_outside_0_1_and_empty_parts() {
    let d = Dataset::from_parts(vec![0.0; 10], vec![0.0; 10], 1)
        .unwrap()
        .with_name("ten");
    for f in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
        let err = d.stratified_split(f, 0).unwrap_err();
        assert!(
            err.to_string().contains("strictly between 0 and 1"),
            "{err}"
        );
    }
    let err = d.stratified_split(0.01, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "splitting ten (10 examples) with a test fraction of 0.01 leaves the test part empty"
    );
    let err = d.stratified_split(0.99, 0).unwrap_err();
    assert!(
        err.to_string().ends_with("leaves the training part empty"),
        "{err}"
    );
}

// ----- Standardisation ----------------------------------------------------------------

#[test]
fn standardizing_the_training_split_gives_mean_0_and_std_1_per_feature() {
    let (mut train, _) = breast_cancer().stratified_split(0.2, 3).unwrap();
    let scaler = Standardizer::fit(&train).unwrap();
    scaler.apply(&mut train).unwrap();
    for j in 0..30 {
        let (mean, std) = mean_std(&train, j);
        // Rounding only: the raw values are below 5000, so errors are near 1e-13.
        assert!(mean.abs() < 1e-12, "feature {j}: mean {mean}");
        assert!((std - 1.0).abs() < 1e-12, "feature {j}: std {std}");
    }
}

#[test]
fn the_test_split_is_scaled_with_the_training_statistics() {
    let (train, mut test) = breast_cancer().stratified_split(0.2, 3).unwrap();
    let raw = test.clone();
    let scaler = Standardizer::fit(&train).unwrap();
    let (m0, s0) = mean_std(&train, 0);
    assert!((scaler.mean()[0] - m0).abs() < 1e-12 * m0.abs());
    assert!((scaler.scale()[0] - s0).abs() < 1e-12 * s0);
    scaler.apply(&mut test).unwrap();
    for i in [0, 10, 90] {
        for j in 0..30 {
            let expected = (raw.features(i)[j] - scaler.mean()[j]) / scaler.scale()[j];
            assert_eq!(test.features(i)[j], expected);
        }
    }
    // Labels are untouched.
    assert_eq!(test.labels(), raw.labels());
}

#[test]
fn standardizer_statistics_match_a_hand_computation() {
    // Feature 1: 1, 2, 3, 4 → mean 2.5, population std √((2.25 + 0.25 + 0.25 + 2.25)/4)
    // = √1.25. Feature 2: constant 7 → mean 7, scale 1 (documented), values become 0.
    let mut d = Dataset::from_parts(
        vec![1.0, 7.0, 2.0, 7.0, 3.0, 7.0, 4.0, 7.0],
        vec![0.0; 4],
        2,
    )
    .unwrap();
    let scaler = Standardizer::fit(&d).unwrap();
    assert_eq!(scaler.mean(), &[2.5, 7.0]);
    assert_eq!(scaler.scale(), &[1.25_f64.sqrt(), 1.0]);
    scaler.apply(&mut d).unwrap();
    assert_eq!(d.features(0), &[-1.5 / 1.25_f64.sqrt(), 0.0]);
    let mut one = [9.0, 10.0];
    scaler.apply_to_features(&mut one).unwrap();
    assert_eq!(one, [6.5 / 1.25_f64.sqrt(), 3.0]);
}

#[test]
fn standardizer_rejects_an_empty_set_and_a_wrong_feature_count() {
    let empty = Dataset::<f64>::from_parts(vec![], vec![], 2).unwrap();
    assert!(Standardizer::fit(&empty).is_err());
    let two = Dataset::from_parts(vec![1.0, 2.0, 3.0, 5.0], vec![0.0, 1.0], 2).unwrap();
    let scaler = Standardizer::fit(&two).unwrap();
    let mut three = Dataset::from_parts(vec![1.0, 2.0, 3.0], vec![0.0], 3).unwrap();
    let before = three.clone();
    let err = scaler.apply(&mut three).unwrap_err();
    assert!(err.to_string().contains("fitted on 2 features"), "{err}");
    assert_eq!(three, before);
    assert!(scaler.apply_to_features(&mut [1.0]).is_err());
}

#[test]
fn standardizing_in_f32_gives_mean_0_and_std_1_to_f32_precision() {
    let opts = CsvOptions::new().binary(true);
    let mut d = Dataset::<f32>::from_csv_path(breast_cancer_path(), &opts).unwrap();
    Standardizer::fit(&d).unwrap().apply(&mut d).unwrap();
    for j in 0..30 {
        let n = d.len() as f64;
        let mean = d.iter().map(|(x, _)| f64::from(x[j])).sum::<f64>() / n;
        let var = d
            .iter()
            .map(|(x, _)| (f64::from(x[j]) - mean).powi(2))
            .sum::<f64>()
            / n;
        // Each value carries one f32 rounding (relative 6e-8) of numbers of size ≤ 10.
        assert!(mean.abs() < 1e-6, "feature {j}: mean {mean}");
        assert!(
            (var.sqrt() - 1.0).abs() < 1e-6,
            "feature {j}: std {}",
            var.sqrt()
        );
    }
}
