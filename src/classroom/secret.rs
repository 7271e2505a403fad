//! The console secret: made by `present`, kept in a file only the same user can read, and read
//! back by `notes`, so that only the presenter's own console can move the presentation. Its
//! folder, and the folder of the presenter's log, must be the user's alone (see
//! [`crate::paths::private_folder`]); neither file is ever opened through a symbolic link.

use std::fs;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::paths;

/// The longest secret file `read` takes (a secret is 32 characters).
const LIMIT: u64 = 4096;

/// Where the secret of a presenter listening on `address` is kept; an error when there is no
/// runtime folder.
pub fn path(address: SocketAddr) -> io::Result<PathBuf> {
    Ok(paths::runtime_folder()?.join(format!("console-{}.secret", address.port())))
}

/// The folder of the presenters' logs: the state folder, else the runtime folder.
fn log_folder() -> io::Result<PathBuf> {
    paths::state_folder().or_else(|_| paths::runtime_folder())
}

/// Where a presenter listening on `address` logs what it refused, dropped or cut. [`create`]
/// has made sure its folder is private (a presenter cannot start without it); the log is to be
/// opened with [`paths::open_private`].
pub fn log_path(address: SocketAddr) -> PathBuf {
    // `create` fails first when there is no folder, so a presenter never gets the bare name.
    log_folder()
        .unwrap_or_default()
        .join(format!("present-{}.log", address.port()))
}

/// Makes a new random secret for a presenter and writes it, readable by this user only, in a
/// private folder; makes sure the log's folder is private too.
pub fn create(address: SocketAddr) -> io::Result<String> {
    let secret = random()?;
    let no_folder = |error: io::Error| {
        io::Error::new(
            error.kind(),
            format!("no private folder for the console secret: {error}"),
        )
    };
    paths::private_folder(&log_folder().map_err(no_folder)?)?;
    let file = path(address).map_err(no_folder)?;
    paths::private_folder(file.parent().unwrap_or(&file))?;
    // An old secret, or anything put in its place, goes; the new one is made afresh.
    match fs::remove_file(&file) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            return Err(io::Error::new(
                error.kind(),
                format!("cannot remove the old {}: {error}", file.display()),
            ));
        }
        _ => {}
    }
    paths::open_private(&file, false)?.write_all(secret.as_bytes())?;
    Ok(secret)
}

/// 128 random bits from the system, as 32 hex digits: a new secret for each presentation, and
/// the credentials given for it.
pub fn random() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads the secret of the presenter listening on `address`: only a plain file of this user's
/// in a private folder, never through a link.
pub fn read(address: SocketAddr) -> io::Result<String> {
    let file = path(address)?;
    let bytes = paths::read_private(&file, LIMIT)
        .map_err(|error| io::Error::new(error.kind(), format!("{}: {error}", file.display())))?;
    Ok(String::from_utf8_lossy(&bytes).trim().to_owned())
}

/// Where a presenter serving the web keeps its remote's addresses (secret included), for its
/// console to show as a QR code.
fn remote_path(address: SocketAddr) -> io::Result<PathBuf> {
    Ok(paths::runtime_folder()?.join(format!("console-{}.remote", address.port())))
}

/// Writes the remote's addresses beside the secret, readable by this user only.
pub fn write_remote(address: SocketAddr, urls: &[String]) -> io::Result<()> {
    let file = remote_path(address)?;
    match fs::remove_file(&file) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    paths::open_private(&file, false)?.write_all(urls.join("\n").as_bytes())
}

/// The remote's addresses of the presenter listening on `address`, if it serves the web.
pub fn read_remote(address: SocketAddr) -> Vec<String> {
    remote_path(address)
        .and_then(|file| paths::read_private(&file, LIMIT))
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .lines()
                .filter(|line| line.starts_with("http://"))
                .map(crate::story::text::sanitize)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_secret_is_new_and_128_bits_of_hex() {
        let first = random().unwrap();
        let second = random().unwrap();
        assert_ne!(first, second);
        for secret in [first, second] {
            assert_eq!(secret.len(), 32);
            assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}
