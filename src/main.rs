#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
// Linked for its `pow`, which keeps the shared C maths library out of the process.
use izumi_pow as _;

fn main() -> ExitCode {
    match izumi::cli::run(izumi::cli::Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("izumi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
