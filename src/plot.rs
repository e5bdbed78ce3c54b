//! Learning curves as SVG: a few lines of text that any browser opens.
//!
//! ```
//! use backprop::plot::{learning_curve_svg, Series};
//!
//! let train = [0.7, 0.4, 0.3, 0.25];
//! let test = [0.72, 0.45, 0.36, 0.33];
//! let svg = learning_curve_svg(
//!     "cost per epoch",
//!     &[Series { name: "train", values: &train }, Series { name: "test", values: &test }],
//! );
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains("train") && svg.contains("test"));
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
/// title and a legend.
pub fn learning_curve_svg(title: &str, series: &[Series<'_>]) -> String {
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
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |epoch: usize| LEFT + plot_w * (epoch as f64 - 1.0) / (epochs as f64 - 1.0);
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
    // Axes and ticks: five on each axis.
    let (x0, y0, x1, y1) = (LEFT, TOP + plot_h, LEFT + plot_w, TOP);
    let _ = writeln!(
        svg,
        r#"<path d="M{x0},{y1} V{y0} H{x1}" fill="none" stroke="black"/>"#
    );
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{x0}" x2="{x1}" y1="{py}" y2="{py}" stroke="#ddd"/><text x="{tx}" y="{ty}" text-anchor="end">{v:.3}</text>"##,
            py = y(v),
            tx = x0 - 6.0,
            ty = y(v) + 4.0
        );
        let epoch = 1 + ((epochs - 1) * k) / 4;
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{epoch}</text>"#,
            x(epoch),
            y0 + 18.0
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">epoch</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 8.0
    );
    for (k, s) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(e, v)| format!("{:.2},{:.2}", x(e + 1), y(*v)))
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
