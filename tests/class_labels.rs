//! Class labels read from CSV by name: `CsvOptions::classes` numbers the distinct names in
//! sorted order (by value when all are numbers), whatever the order of the rows;
//! `CsvOptions::class_names` numbers them as given; the names are kept by the data set,
//! its subsets and its splits; and every bad label is an error naming the file, line and
//! column, quoting the field.
//!
//! The expected counts of `examples/data/iris.csv` (150 rows, 50 of each species) are
//! those stated in `examples/data/IRIS_SOURCE.md`, recounted with
//! `cut -d, -f5 | sort | uniq -c`.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::Error;
use backprop::data::{CsvOptions, Dataset, Labels};

fn read(text: &str, options: &CsvOptions) -> Dataset<f64> {
    Dataset::from_csv_str(text, "toy.csv", options).unwrap()
}

/// The error of reading `text` as `toy.csv`, displayed.
fn error(text: &str, options: &CsvOptions) -> String {
    Dataset::<f64>::from_csv_str(text, "toy.csv", options)
        .unwrap_err()
        .to_string()
}

const FRUIT: &str = "weight,fruit\n1,pear\n2,apple\n3,fig\n4,apple\n";

#[test]
fn string_labels_become_indices_of_the_sorted_names() {
    // Sorted: apple = 0, fig = 1, pear = 2; the rows are pear, apple, fig, apple.
    let data = read(FRUIT, &CsvOptions::new().classes());
    assert_eq!(data.class_names(), ["apple", "fig", "pear"]);
    assert_eq!(data.labels(), [2.0, 0.0, 1.0, 0.0]);
    assert_eq!(data.class_name(2), Some("pear"));
    assert_eq!(data.class_name(3), None);
    assert_eq!(data.label_name(), "fruit");
    assert_eq!(data.features_row_major(), [1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn the_numbering_does_not_depend_on_the_order_of_the_rows() {
    let reversed = "weight,fruit\n4,apple\n3,fig\n2,apple\n1,pear\n";
    let a = read(FRUIT, &CsvOptions::new().classes());
    let b = read(reversed, &CsvOptions::new().classes());
    assert_eq!(a.class_names(), b.class_names());
    // Weight 1 is a pear in both files: class 2.
    assert_eq!((a.label(0), b.label(3)), (2.0, 2.0));
}

#[test]
fn names_that_are_all_numbers_sort_by_value_not_by_characters() {
    // By characters "10" < "2" < "3"; by value 2 < 3 < 10.
    let data = read("x,grade\n1,10\n2,2\n3,3\n", &CsvOptions::new().classes());
    assert_eq!(data.class_names(), ["2", "3", "10"]);
    assert_eq!(data.labels(), [2.0, 0.0, 1.0]);
}

#[test]
fn a_mix_of_numbers_and_words_sorts_by_characters() {
    // Code points: '1' (0x31) < '2' (0x32) < 'B' (0x42) < 'a' (0x61).
    let data = read("x,y\n1,a\n2,B\n3,2\n4,10\n", &CsvOptions::new().classes());
    assert_eq!(data.class_names(), ["10", "2", "B", "a"]);
    assert_eq!(data.labels(), [3.0, 2.0, 1.0, 0.0]);
}

#[test]
fn quoted_names_are_unquoted_and_spaces_around_them_ignored() {
    let data = read("x,y\n1, \"a, b\" \n2,plain\n", &CsvOptions::new().classes());
    assert_eq!(data.class_names(), ["a, b", "plain"]);
}

#[test]
fn given_names_fix_the_numbering_even_for_an_absent_class() {
    let opts = CsvOptions::new().class_names(["pear", "fig", "apple", "plum"]);
    assert_eq!(
        opts.labels,
        Labels::Classes(vec![
            "pear".into(),
            "fig".into(),
            "apple".into(),
            "plum".into()
        ])
    );
    let data = read(FRUIT, &opts);
    assert_eq!(data.class_names(), ["pear", "fig", "apple", "plum"]);
    assert_eq!(data.labels(), [0.0, 2.0, 1.0, 2.0]);
}

#[test]
fn a_label_not_among_the_given_names_is_an_error_at_its_line_and_column() {
    let e = error(FRUIT, &CsvOptions::new().class_names(["apple", "pear"]));
    assert_eq!(
        e,
        "toy.csv:4:2: the label \"fig\" in column \"fruit\" is not one of the 2 class names \
         given: \"apple\", \"pear\""
    );
}

#[test]
fn an_empty_label_is_an_error_at_its_line_and_column() {
    let e = error("x,y\n1,a\n2,\n", &CsvOptions::new().classes());
    assert_eq!(
        e,
        "toy.csv:3:2: empty field in column \"y\"; expected a class name"
    );
    let e = error("x,y\n1,a\n2, \n", &CsvOptions::new().class_names(["a"]));
    assert_eq!(
        e,
        "toy.csv:3:2: empty field in column \"y\"; expected a class name"
    );
}

#[test]
fn two_spellings_of_one_number_are_an_error_at_the_later_one() {
    // "1" first appears on line 2, "1.0" on line 4.
    let e = error("x,y\n1,1\n2,2\n3,1.0\n", &CsvOptions::new().classes());
    assert_eq!(
        e,
        "toy.csv:4:2: the class \"1.0\" is the number 1 again, written \"1\" on line 2; \
         write each class the same way"
    );
}

#[test]
fn a_third_class_is_an_error_when_binary_labels_are_asked_for() {
    let e = error(FRUIT, &CsvOptions::new().classes().binary(true));
    // Sorted: apple 0, fig 1, pear 2; the first pear is on line 2.
    assert_eq!(
        e,
        "toy.csv:2:2: the label \"pear\" in column \"fruit\" is a third class, but binary \
         labels were asked for; the classes are: \"apple\", \"fig\", \"pear\""
    );
    let two = read(
        "x,y\n1,no\n2,yes\n",
        &CsvOptions::new().classes().binary(true),
    );
    assert_eq!(two.labels(), [0.0, 1.0]);
}

#[test]
fn bad_given_names_are_refused_before_reading() {
    let cases: [(CsvOptions, &str); 4] = [
        (
            CsvOptions::new().class_names(Vec::<String>::new()),
            "toy.csv: the options give no class names; give at least one",
        ),
        (
            CsvOptions::new().class_names(["a", ""]),
            "toy.csv: class name 1 in the options is empty; a label field cannot be empty",
        ),
        (
            CsvOptions::new().class_names(["a", "b", "a"]),
            "toy.csv: the class name \"a\" is given twice in the options, as classes 0 and 2",
        ),
        (
            CsvOptions::new().class_names(["a", "b", "c"]).binary(true),
            "toy.csv: binary labels were asked for, but the options give 3 class names: \
             \"a\", \"b\", \"c\"",
        ),
    ];
    for (opts, expected) in cases {
        let e = Dataset::<f64>::from_csv_str(FRUIT, "toy.csv", &opts).unwrap_err();
        assert!(matches!(e, Error::Invalid { .. }), "{e:?}");
        assert_eq!(e.to_string(), expected);
    }
}

#[test]
fn a_word_label_without_the_classes_option_says_how_to_read_it() {
    let e = error(FRUIT, &CsvOptions::new());
    assert_eq!(
        e,
        "toy.csv:2:2: \"pear\" in column \"fruit\" is not a number; labels that name classes \
         are read with CsvOptions::classes()"
    );
    // A word among the features gets no such hint.
    let e = error("x,y\nabc,1\n", &CsvOptions::new());
    assert_eq!(e, "toy.csv:2:1: \"abc\" in column \"x\" is not a number");
}

#[test]
fn numeric_labels_have_no_class_names() {
    let data = read("x,y\n1,0\n2,1\n", &CsvOptions::new());
    assert!(data.class_names().is_empty());
    let data = Dataset::from_parts(vec![1.0, 2.0], vec![0.0, 1.0], 1).unwrap();
    assert!(data.class_names().is_empty());
}

#[test]
fn subsets_and_splits_keep_the_class_names() {
    let data = read(FRUIT, &CsvOptions::new().classes());
    // Example 2 is the fig; a subset of it alone still names all three classes.
    let fig = data.subset(&[2]).unwrap();
    assert_eq!(fig.class_names(), ["apple", "fig", "pear"]);
    assert_eq!(fig.labels(), [1.0]);
    let (train, test) = data.stratified_split(0.5, 1).unwrap();
    assert_eq!(train.class_names(), data.class_names());
    assert_eq!(test.class_names(), data.class_names());
}

#[test]
fn with_class_names_names_labels_and_rejects_labels_that_are_not_class_indices() {
    let data = Dataset::from_parts(vec![1.0, 2.0, 3.0], vec![0.0, 1.0, 1.0], 1).unwrap();
    let named = data
        .clone()
        .with_class_names(vec!["no".into(), "yes".into()])
        .unwrap();
    assert_eq!(named.class_names(), ["no", "yes"]);
    // Label 1 of example 1 is not below one class.
    let e = data
        .clone()
        .with_class_names(vec!["only".into()])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "synthetic data: the label of example 1 is 1, which is not a class index of 1 \
         classes: the only class index is 0"
    );
    let e = data
        .clone()
        .with_class_names(vec!["a".into(), "a".into()])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "synthetic data: the class name \"a\" is given twice, for classes 0 and 1"
    );
    assert!(data.with_class_names(Vec::new()).is_err());
}

#[test]
fn the_bundled_iris_file_has_three_species_of_fifty() {
    let path = format!("{}/examples/data/iris.csv", env!("CARGO_MANIFEST_DIR"));
    let data: Dataset<f64> = Dataset::from_csv_path(&path, &CsvOptions::new().classes()).unwrap();
    assert_eq!((data.len(), data.n_features()), (150, 4));
    assert_eq!(data.class_names(), ["setosa", "versicolor", "virginica"]);
    assert_eq!(data.class_counts(), [(0.0, 50), (1.0, 50), (2.0, 50)]);
    assert_eq!(
        data.feature_names(),
        ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    );
    // The first row, as in the file: 5.1,3.5,1.4,0.2,setosa.
    assert_eq!(data.get(0), Some((&[5.1, 3.5, 1.4, 0.2][..], 0.0)));
    // The stratified split keeps 10 of each species in a 20 % test part.
    let (_, test) = data.stratified_split(0.2, 1).unwrap();
    assert_eq!(test.class_counts(), [(0.0, 10), (1.0, 10), (2.0, 10)]);
}
