#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use izumi::classroom::session::AudienceServers;
// Linked for its `pow`, which keeps the shared C maths library out of the process.
use izumi_pow as _;

fn main() -> ExitCode {
    // The web and SSH servers are not in this binary: `present --web/--ssh` runs izumi-classroom.
    match izumi::cli::run(izumi::cli::Cli::parse(), AudienceServers::Sibling) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("izumi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
