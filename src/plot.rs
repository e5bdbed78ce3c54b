//! Learning curves as SVG: a few lines of text that any browser opens.
//!
//! Both axes are labelled and carry round tick values, multiples of a step of 1, 2 or 5
//! times a power of ten ([`ticks`]); each axis spans its first to its last tick.
//!
//! ```
//! use backprop::plot::{learning_curve_svg_labelled, Series};
//!
//! let train = [0.7, 0.4, 0.3, 0.25];
//! let test = [0.72, 0.45, 0.36, 0.33];
//! let svg = learning_curve_svg_labelled(
//!     "cost per epoch",
//!     "cross-entropy cost",
//!     &[Series { name: "train", values: &train }, Series { name: "test", values: &test }],
//! );
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains("train") && svg.contains("test"));
//! assert!(svg.contains(">cross-entropy cost</text>") && svg.contains(">epoch</text>"));
//! assert!(svg.contains(">0.2</text>")); // a tick of the cost axis: 0, 0.2, …, 0.8
//! ```

use std::fmt::Write as _;

/// One named curve: a value per epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Series<'a> {
    /// The legend's label.
    pub name: &'a str,
    /// The value after each epoch (epoch 1 first). Non-finite values are skipped.
    pub values: &'a [f64],
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 48.0;
const COLOURS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// An SVG line chart of the series against the epoch (1, 2, …), with axes, ticks, a
/// title and a legend; the value axis is labelled `value` (see
/// [`learning_curve_svg_labelled`] to name it).
pub fn learning_curve_svg(title: &str, series: &[Series<'_>]) -> String {
    learning_curve_svg_labelled(title, "value", series)
}

/// The round tick values for an axis that must show `[lo, hi]`, at most `max_count` of
/// them (at least 3 are always allowed, which any range fits): the multiples `k·s` of the smallest step
/// `s ∈ {1, 2, 5} × 10ᵏ` for which the ticks from `⌊lo/s⌋·s` to `⌈hi/s⌉·s` number at
/// most `max_count`. The first tick is at or below `lo` and the last at or above `hi`.
///
/// Each tick is computed as an integer divided by a power of ten (or multiplied by
/// one), so it is the `f64` nearest its decimal value and prints as written: `0.3`, not
/// `0.30000000000000004`. `lo > hi` are swapped; `lo = hi` gives the ticks around
/// `[lo − ½, lo + ½]`; a bound that is not finite, or a range `hi − lo` too wide for
/// an `f64`, gives no ticks.
///
/// ```
/// use backprop::plot::ticks;
/// assert_eq!(ticks(0.0, 0.73, 6), [0.0, 0.2, 0.4, 0.6, 0.8]);
/// assert_eq!(ticks(1.0, 20.0, 6), [0.0, 5.0, 10.0, 15.0, 20.0]);
/// assert_eq!(ticks(-0.03, 0.12, 6), [-0.05, 0.0, 0.05, 0.1, 0.15]);
/// ```
pub fn ticks(lo: f64, hi: f64, max_count: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if lo == hi {
        (lo, hi) = (lo - 0.5, hi + 0.5);
    }
    if !(hi - lo).is_finite() {
        return Vec::new();
    }
    // With a step s ≥ hi − lo, ⌈hi/s⌉ − ⌊lo/s⌋ ≤ 2: three ticks always suffice.
    let max_count = max_count.max(3);
    // Start one decade below the step that would need a single interval.
    let mut power = ((hi - lo).log10().floor() as i32) - 1;
    loop {
        for mantissa in [1i64, 2, 5] {
            let step = |k: i64| decimal(k.saturating_mul(mantissa), power);
            let s = step(1);
            let (first, last) = ((lo / s).floor() as i64, (hi / s).ceil() as i64);
            if (last - first + 1) as usize <= max_count {
                return (first..=last).map(step).collect();
            }
        }
        power += 1;
    }
}

/// `n · 10^power` as the `f64` nearest it: one rounding, in the division or product.
fn decimal(n: i64, power: i32) -> f64 {
    if power < 0 {
        n as f64 / 10f64.powi(-power)
    } else {
        n as f64 * 10f64.powi(power)
    }
}

/// An SVG line chart of the series against the epoch (1, 2, …), with a title, a legend,
/// and axes labelled `epoch` and `y_label` whose ticks are round numbers ([`ticks`]).
/// The value axis starts at 0 or below (at the smallest value, if negative), so that
/// costs are seen against zero.
pub fn learning_curve_svg_labelled(title: &str, y_label: &str, series: &[Series<'_>]) -> String {
    let finite = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
    };
    let epochs = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(2);
    let lo = finite().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if hi.is_nan() || hi <= lo {
        hi = lo + 1.0;
    }
    // Values too far apart for `ticks` (a range beyond f64) keep their two ends.
    let or_ends = |t: Vec<f64>, lo: f64, hi: f64| if t.len() < 2 { vec![lo, hi] } else { t };
    let y_ticks = or_ends(ticks(lo, hi, 6), lo, hi);
    let x_ticks = or_ends(ticks(1.0, epochs as f64, 8), 1.0, epochs as f64);
    let (lo, hi) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
    let (first, last) = (x_ticks[0], x_ticks[x_ticks.len() - 1]);
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |epoch: f64| LEFT + plot_w * (epoch - first) / (last - first);
    let y = |v: f64| TOP + plot_h * (1.0 - (v - lo) / (hi - lo));

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="15">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
    let (x0, y0, x1, y1) = (LEFT, TOP + plot_h, LEFT + plot_w, TOP);
    let _ = writeln!(
        svg,
        r#"<path d="M{x0},{y1} V{y0} H{x1}" fill="none" stroke="black"/>"#
    );
    for &v in &y_ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{x0}" x2="{x1}" y1="{py}" y2="{py}" stroke="#ddd"/><text x="{tx}" y="{ty}" text-anchor="end">{v}</text>"##,
            py = y(v),
            tx = x0 - 6.0,
            ty = y(v) + 4.0
        );
    }
    for &epoch in &x_ticks {
        let _ = writeln!(
            svg,
            r#"<line x1="{px}" x2="{px}" y1="{y0}" y2="{}" stroke="black"/><text x="{px}" y="{}" text-anchor="middle">{epoch}</text>"#,
            y0 + 4.0,
            y0 + 18.0,
            px = x(epoch),
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">epoch</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 8.0
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{cy}" text-anchor="middle" transform="rotate(-90 16 {cy})">{}</text>"#,
        escape(y_label),
        cy = TOP + plot_h / 2.0
    );
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(e, v)| format!("{:.2},{:.2}", x(e as f64 + 1.0), y(*v)))
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            points.join(" ")
        );
        let ly = TOP + 10.0 + 18.0 * k as f64;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx}" x2="{lx2}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"/><text x="{tx}" y="{ty}">{}</text>"#,
            escape(s.name),
            lx = x1 - 120.0,
            lx2 = x1 - 96.0,
            tx = x1 - 90.0,
            ty = ly + 4.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
