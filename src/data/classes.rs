//! Class labels in CSV files: what the label fields are ([`Labels`]), and how class names
//! are checked, listed in messages and numbered in sorted order.

use crate::error::{Error, Result, quoted};

/// What the label fields of a CSV file are: numbers, or the names of classes.
///
/// Class names become class indices `0, 1, …, K − 1`, and the names are kept in
/// [`Dataset::class_names`](super::Dataset::class_names) (see [class labels](crate::data#class-labels)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Labels {
    /// Each label is a finite number, stored as it is (the default).
    #[default]
    Numbers,
    /// Each label is the name of a class (any non-empty text: `setosa`, `7`); the classes
    /// are the distinct names, numbered in sorted order: by value when every name is a
    /// number (`2` before `10`), else by the names' characters (Unicode code points).
    SortedClasses,
    /// Each label is one of these class names; class `k` is `names[k]`, whether or not
    /// the file has an example of it.
    Classes(Vec<String>),
}

/// Checks the class names given in the options: at least one, none empty, none twice,
/// and exactly two if the labels must be binary.
pub(super) fn check_class_names(source: &str, names: &[String], binary: bool) -> Result<()> {
    let fail = |why: String| Err(Error::invalid(format!("{source}: {why}")));
    if names.is_empty() {
        return fail("the options give no class names; give at least one".to_string());
    }
    if let Some(k) = names.iter().position(|n| n.is_empty()) {
        return fail(format!(
            "class name {k} in the options is empty; a label field cannot be empty"
        ));
    }
    for (k, name) in names.iter().enumerate() {
        if let Some(first) = names[..k].iter().position(|n| n == name) {
            return fail(format!(
                "the class name {} is given twice in the options, as classes {first} and {k}",
                quoted(name)
            ));
        }
    }
    if binary && names.len() != 2 {
        return fail(format!(
            "binary labels were asked for, but the options give {} class names: {}",
            names.len(),
            list_names(names)
        ));
    }
    Ok(())
}

/// At most 10 names, each quoted (cut and escaped), with the count if there are more.
pub(super) fn list_names(names: &[String]) -> String {
    let mut list: Vec<String> = names.iter().take(10).map(|n| quoted(n)).collect();
    if names.len() > 10 {
        list.push(format!("… ({} names in all)", names.len()));
    }
    list.join(", ")
}

/// The number a class name spells, if every class name is a finite number.
fn name_value(name: &str) -> Option<f64> {
    name.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The distinct class names of `fields` (`(line, name)` pairs), sorted: by value if every
/// name is a number, else by characters. The error is `(line, message)` for two spellings
/// of one number, at the line where the later spelling first appears.
pub(super) fn sorted_class_names(
    fields: &[(usize, String)],
) -> core::result::Result<Vec<String>, (usize, String)> {
    let mut names: Vec<&str> = fields.iter().map(|(_, n)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    // Sorted by characters now; by value instead if every name is a number.
    if names.iter().all(|n| name_value(n).is_some()) {
        names.sort_by(|a, b| {
            let (x, y) = (name_value(a).unwrap_or(0.0), name_value(b).unwrap_or(0.0));
            x.total_cmp(&y).then_with(|| a.cmp(b))
        });
        for pair in names.windows(2) {
            if name_value(pair[0]) == name_value(pair[1]) {
                let first_line = |name: &str| {
                    fields
                        .iter()
                        .find(|(_, n)| n == name)
                        .map_or(0, |(line, _)| *line)
                };
                let (a, b) = (first_line(pair[0]), first_line(pair[1]));
                let ((early, early_line), (late, late_line)) = if a < b {
                    ((pair[0], a), (pair[1], b))
                } else {
                    ((pair[1], b), (pair[0], a))
                };
                return Err((
                    late_line,
                    format!(
                        "the class {} is the number {} again, written {} on line \
                         {early_line}; write each class the same way",
                        quoted(late),
                        name_value(late).unwrap_or(0.0),
                        quoted(early)
                    ),
                ));
            }
        }
    }
    Ok(names.into_iter().map(str::to_string).collect())
}
