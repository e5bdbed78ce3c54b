//! Runs the device's training on the host: `cargo run --release` in this folder. Exits
//! non-zero if the held-out accuracy is not above 95 %.

use no_std_seed::{TEST, TRAIN, train};
use std::process::ExitCode;

fn main() -> ExitCode {
    let trained = match train(2026) {
        Ok(trained) => trained,
        Err(error) => {
            eprintln!("training failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    let last = trained.fitted.train.map_or(f64::NAN, |e| e.accuracy);
    println!(
        "seed network, no_std, no allocator: {} epochs on {TRAIN} points, training accuracy \
         {:.1} %, held-out accuracy {:.1} % on {TEST} points",
        trained.fitted.epochs_trained,
        100.0 * last,
        100.0 * trained.test_accuracy
    );
    println!(
        "memory: network {} bytes, Adam state {} bytes",
        size_of_val(&trained.net),
        size_of::<backprop::optim::Adam<f32, backprop::SeedNetwork<f32>>>()
    );
    if trained.test_accuracy > 0.95 {
        ExitCode::SUCCESS
    } else {
        eprintln!("held-out accuracy is not above 95 %");
        ExitCode::FAILURE
    }
}
