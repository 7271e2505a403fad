#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match izumi::cli::run(izumi::cli::Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("izumi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
