//! What the examples share: how a run's outcome becomes the process's exit code.

use std::process::ExitCode;

/// Success if the example met its target (`Ok(true)`); failure if it missed it
/// (`Ok(false)`, the example has said why) or hit an error, which is printed.
pub fn exit_code(outcome: backprop::Result<bool>) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
