//! The loaders never panic and always say where: random bytes, and random one-character
//! edits of valid CSV and weights files, fed to [`Dataset::from_csv_str`] and
//! [`persist::from_str`].
//!
//! For every input the result is either `Ok`, with the values a correct reader must give,
//! or an `Err` that names a place (a file and line for a parse error) and whose message is
//! short ([`MAX_MESSAGE`] bytes), whatever the input holds. An edit can make a valid file
//! valid in another way (a digit changed to another digit), so `Ok` is checked against an
//! independent reading of the edited text, not against the original.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{CsvOptions, Dataset};
use backprop::network::SeedNetwork;
use backprop::rng::Rng;
use backprop::{Error, Parameters, persist};
use proptest::prelude::*;

/// The longest error message allowed: a file name, a place and a quoted field cut to
/// `error::QUOTE_LIMIT` characters fit easily.
const MAX_MESSAGE: usize = 400;

/// A small valid CSV file: a header, three rows of two features and a 0/1 label.
const CSV: &str = "height,weight,label\n1.5,-2,0\n3e-1,4.25,1\n5,6,1\n";

/// Asserts what any error must satisfy: a place, and a short message.
fn assert_good_error(error: &Error, source: &str) -> Result<(), TestCaseError> {
    let message = error.to_string();
    prop_assert!(
        message.len() <= MAX_MESSAGE,
        "{} bytes: {message}",
        message.len()
    );
    if let Error::Parse { line, .. } = error {
        prop_assert!(*line >= 1, "{message}");
        prop_assert!(
            message.starts_with(&format!("{source}:{line}")),
            "{message}"
        );
    }
    Ok(())
}

/// An independent reading of a simple CSV text (no quotes, no blank lines), for checking
/// what the crate returns when it accepts an edited file: `None` if this simple reader
/// cannot read it, which is fine (the crate's dialect is larger).
fn simple_csv(text: &str) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut lines = text.strip_suffix('\n')?.split('\n');
    let width = lines.next()?.split(',').count();
    let (mut features, mut labels) = (Vec::new(), Vec::new());
    for line in lines {
        let fields: Vec<f64> = line
            .split(',')
            .map(|f| f.trim_matches([' ', '\t']).parse::<f64>().ok())
            .collect::<Option<_>>()?;
        if fields.len() != width || fields.iter().any(|v| !v.is_finite()) {
            return None;
        }
        labels.push(fields[width - 1]);
        features.extend_from_slice(&fields[..width - 1]);
    }
    Some((features, labels))
}

/// `text` with the character at `at` (a char index, taken modulo the length) replaced by
/// `by`, or deleted if `by` is `None`.
fn edit(text: &str, at: usize, by: Option<char>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = at % chars.len();
    let mut out: String = chars[..at].iter().collect();
    out.extend(by);
    out.extend(&chars[at + 1..]);
    out
}

/// Characters an edit may put in: the file's own alphabet, separators, and characters
/// that have caught readers before (NUL, CR, a byte-order mark, a no-break space).
fn edit_char() -> impl Strategy<Value = Option<char>> {
    prop_oneof![
        Just(None),
        prop::sample::select(vec![
            '0',
            '1',
            '9',
            '.',
            '-',
            '+',
            'e',
            'E',
            ',',
            ' ',
            '\t',
            '\n',
            '\r',
            '"',
            'x',
            'n',
            'N',
            'i',
            '\0',
            '\u{feff}',
            '\u{a0}',
            'é',
            '\u{1F600}',
        ])
        .prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_of_random_bytes_is_read_or_refused_with_a_place(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        match Dataset::<f64>::from_csv_str(&text, "random.csv", &CsvOptions::new()) {
            Ok(data) => prop_assert!(data.features_row_major().iter().all(|v| v.is_finite())),
            Err(e) => assert_good_error(&e, "random.csv")?,
        }
    }

    #[test]
    fn csv_with_one_character_edited_is_read_right_or_refused_with_a_place(
        at in 0usize..1000, by in edit_char(),
    ) {
        let text = edit(CSV, at, by);
        match Dataset::<f64>::from_csv_str(&text, "edited.csv", &CsvOptions::new()) {
            Ok(data) => {
                if let Some((features, labels)) = simple_csv(&text) {
                    prop_assert_eq!(data.features_row_major(), &features[..], "{:?}", text);
                    prop_assert_eq!(data.labels(), &labels[..], "{:?}", text);
                }
            }
            Err(e) => assert_good_error(&e, "edited.csv")?,
        }
    }

    #[test]
    fn weights_of_random_bytes_are_refused_with_a_place(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        let result = persist::from_str::<f64, SeedNetwork<f64>>(&text, "random.txt");
        // 29 numbers in the right layout cannot come from 300 random bytes by chance.
        let error = result.expect_err("random bytes are not a weights file");
        assert_good_error(&error, "random.txt")?;
    }

    #[test]
    fn weights_with_one_character_edited_load_the_edit_or_are_refused_with_a_place(
        seed in 0u64..1000, at in 0usize..100_000, by in edit_char(),
    ) {
        let net: SeedNetwork<f64> = backprop::network::seed_network(&mut Rng::new(seed));
        let text = edit(&persist::to_string(&net), at, by);
        match persist::from_str::<f64, SeedNetwork<f64>>(&text, "edited.txt") {
            // Accepted: then it reads back as what it says (saving it again gives the
            // same parameters bit for bit) and every parameter is finite.
            Ok(loaded) => {
                prop_assert!(loaded.is_finite());
                let again: SeedNetwork<f64> =
                    persist::from_str(&persist::to_string(&loaded), "again.txt").unwrap();
                let bits = |n: &SeedNetwork<f64>| -> Vec<u64> {
                    n.blocks().flatten().map(|v| v.to_bits()).collect()
                };
                prop_assert_eq!(bits(&again), bits(&loaded));
            }
            Err(e) => assert_good_error(&e, "edited.txt")?,
        }
    }
}
