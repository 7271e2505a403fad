//! `izumi` with the classroom's servers: everything the reader does, and `present --web/--ssh`,
//! which the plain `izumi` binary hands over to this one.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use izumi::classroom::session::AudienceServers;
// Linked for its `pow`, which keeps the shared C maths library out of the process.
use izumi_pow as _;

fn main() -> ExitCode {
    let audiences = AudienceServers::Linked(izumi::audiences::serve);
    match izumi::cli::run(izumi::cli::Cli::parse(), audiences) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("izumi: {error:#}");
            ExitCode::FAILURE
        }
    }
}
