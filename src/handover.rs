//! `izumi present --web/--ssh` is served by a sibling binary, `izumi-classroom`, installed beside
//! `izumi`. The plain reader does not carry the web and SSH servers (russh and its crypto, tokio's
//! runtime, the HTTP server), so it stays small and pages less in at start-up; a presenter who
//! asks for them is handed over with the same command line.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The file name of the classroom binary, beside `izumi`.
pub const CLASSROOM_BINARY: &str = "izumi-classroom";

/// Runs this command line in `izumi-classroom` beside this binary. On Unix the process becomes
/// it (`exec`): the same process id, terminal and signals, as if izumi had served it itself, and
/// this returns only if that failed, with what to do about it.
pub fn to_classroom() -> anyhow::Result<ExitCode> {
    let here = std::env::current_exe()
        .map_err(|error| anyhow::anyhow!("cannot tell where this izumi is: {error}"))?;
    let classroom = beside(&here);
    let mut arguments = std::env::args_os();
    // Its messages name the program as the user typed it.
    let name = arguments.next().unwrap_or_else(|| OsString::from("izumi"));
    let mut command = Command::new(&classroom);
    command.args(arguments);
    let error = run(command, name);
    Err(match error.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!(
            "`present --web` and `--ssh` are served by {CLASSROOM_BINARY}, which is not beside \
             this izumi ({} is missing): build both with `cargo build --release`, or install \
             both with `cargo install --path .`",
            classroom.display()
        ),
        _ => anyhow::anyhow!("cannot start {}: {error}", classroom.display()),
    })
}

/// Where the classroom binary is, for the izumi binary at `here`.
fn beside(here: &Path) -> PathBuf {
    here.with_file_name(format!(
        "{CLASSROOM_BINARY}{}",
        std::env::consts::EXE_SUFFIX
    ))
}

#[cfg(unix)]
fn run(mut command: Command, name: OsString) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.arg0(name).exec()
}

/// Without `exec`, izumi waits for the classroom binary and ends as it does.
#[cfg(not(unix))]
fn run(mut command: Command, _name: OsString) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(error) => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classroom_binary_is_looked_for_beside_izumi() {
        let found = beside(Path::new("/opt/izumi/bin/izumi"));
        assert_eq!(found.parent(), Some(Path::new("/opt/izumi/bin")));
        assert!(found.ends_with(format!("izumi-classroom{}", std::env::consts::EXE_SUFFIX)));
    }
}
