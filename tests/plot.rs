//! The learning-curve chart has round tick values and labelled axes.
//!
//! * `plot::ticks` chooses a step of 1, 2 or 5 times a power of ten, the smallest such
//!   step whose ticks cover the range within the allowed count; every tick is a multiple
//!   of the step, the first at or below the range and the last at or above it. Checked
//!   on hand-worked cases and, for any range, against the definition (the next smaller
//!   round step would need too many ticks).
//! * Ticks print as their decimal value (`0.3`, not `0.30000000000000004`).
//! * Degenerate ranges: equal bounds, swapped bounds, non-finite bounds.
//! * The SVG names both axes and writes the ticks as labels.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::plot::{Series, learning_curve_svg_labelled, ticks};
use proptest::prelude::*;

/// The round steps `{1, 2, 5} × 10ᵏ` in increasing order, for `k` in `−12 … 12`.
fn round_steps() -> Vec<f64> {
    (-12..=12)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| format!("{m}e{k}").parse::<f64>().unwrap()))
        .collect()
}

/// How many ticks the step `s` needs to cover `[lo, hi]`.
fn count_for(lo: f64, hi: f64, s: f64) -> i64 {
    (hi / s).ceil() as i64 - (lo / s).floor() as i64 + 1
}

#[test]
fn hand_worked_ranges_get_the_expected_ticks() {
    // [0, 0.73] in at most 6: step 0.1 needs 9 ticks (0 … 0.8), 0.2 needs 5.
    assert_eq!(ticks(0.0, 0.73, 6), [0.0, 0.2, 0.4, 0.6, 0.8]);
    // Epochs 1 … 20 in at most 8: step 2 needs 11 ticks (0 … 20), 5 needs 5.
    assert_eq!(ticks(1.0, 20.0, 8), [0.0, 5.0, 10.0, 15.0, 20.0]);
    // [−0.03, 0.12] in at most 6: step 0.02 needs 9 (−0.04 … 0.12), 0.05 needs 5.
    assert_eq!(ticks(-0.03, 0.12, 6), [-0.05, 0.0, 0.05, 0.1, 0.15]);
    // [120, 980] in at most 10: step 100 needs 10 ticks (100 … 1000).
    assert_eq!(ticks(120.0, 980.0, 10).len(), 10);
    assert_eq!(ticks(120.0, 980.0, 10)[0], 100.0);
}

#[test]
fn ticks_print_as_their_decimal_values() {
    // 3 × 0.1 is 0.30000000000000004 in f64; the tick is computed as 3 / 10.
    let labels: Vec<String> = ticks(0.0, 0.9, 10).iter().map(|t| t.to_string()).collect();
    assert_eq!(
        labels,
        [
            "0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"
        ]
    );
}

#[test]
fn degenerate_ranges_give_sensible_ticks() {
    assert_eq!(ticks(1.0, 0.0, 6), ticks(0.0, 1.0, 6)); // swapped bounds
    // Around [1.5, 2.5]: step 0.2 needs 7 ticks (1.4 … 2.6), 0.5 needs 3.
    assert_eq!(ticks(2.0, 2.0, 6), [1.5, 2.0, 2.5]);
    assert!(ticks(f64::NAN, 1.0, 6).is_empty());
    assert!(ticks(0.0, f64::INFINITY, 6).is_empty());
    assert!(ticks(-f64::MAX, f64::MAX, 6).is_empty()); // the range overflows
    // At least 3 are allowed: the step 1 needs 2 (0 and 1), the step 0.5 needs 3.
    assert_eq!(ticks(0.0, 1.0, 0), [0.0, 0.5, 1.0]);
}

proptest! {
    #[test]
    fn ticks_are_the_smallest_round_step_that_fits(
        lo in -1e6f64..1e6,
        width in 1e-6f64..1e6,
        max_count in 3usize..12,
    ) {
        let hi = lo + width;
        let t = ticks(lo, hi, max_count);
        prop_assert!(t.len() >= 2 && t.len() <= max_count);
        prop_assert!(t[0] <= lo && t[t.len() - 1] >= hi);
        let step = t[1] - t[0];
        let steps = round_steps();
        let k = steps
            .iter()
            .position(|&s| (s - step).abs() <= 1e-9 * s)
            .expect("the step is 1, 2 or 5 times a power of ten");
        for (i, &v) in t.iter().enumerate() {
            let multiple = v / steps[k];
            prop_assert!((multiple - multiple.round()).abs() < 1e-6, "tick {v} is not a multiple");
            prop_assert!((v - t[0] - i as f64 * steps[k]).abs() <= 1e-9 * (v.abs() + steps[k]));
        }
        // The next smaller round step needs more ticks than allowed.
        prop_assert!(count_for(lo, hi, steps[k - 1]) > max_count as i64);
    }
}

#[test]
fn the_chart_labels_both_axes_and_its_ticks() {
    let train = [0.66, 0.31, 0.18, 0.12, 0.1, 0.09];
    let svg = learning_curve_svg_labelled(
        "breast cancer",
        "cross-entropy cost",
        &[Series {
            name: "train",
            values: &train,
        }],
    );
    assert!(svg.contains(">epoch</text>"));
    assert!(svg.contains(">cross-entropy cost</text>"));
    // Costs 0 … 0.66 in at most 6 ticks: 0, 0.2, …, 0.8; epochs 1 … 6 in at most 8: 0 … 6.
    for label in ["0", "0.2", "0.4", "0.6", "0.8"] {
        assert!(svg.contains(&format!(">{label}</text>")), "no tick {label}");
    }
    assert!(svg.contains(">6</text>"));
    assert!(!svg.contains("0.30000000000000004"));
}
