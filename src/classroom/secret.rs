//! The console secret: made by `present`, kept in a file only the same user can read, and read
//! back by `notes`, so that only the presenter's own console can move the presentation.

use std::fs;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;

/// The folder for the secret: the user's runtime folder, else their state folder.
fn folder() -> PathBuf {
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_STATE_HOME").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("izumi")
}

/// Where the secret of a presenter listening on `address` is kept.
pub fn path(address: SocketAddr) -> PathBuf {
    folder().join(format!("console-{}.secret", address.port()))
}

/// Makes a new random secret for a presenter and writes it, readable by this user only.
pub fn create(address: SocketAddr) -> io::Result<String> {
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder())?;
    let file = path(address);
    let _ = fs::remove_file(&file);
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&file)?
        .write_all(secret.as_bytes())?;
    Ok(secret)
}

/// Reads the secret of the presenter listening on `address`.
pub fn read(address: SocketAddr) -> io::Result<String> {
    Ok(fs::read_to_string(path(address))?.trim().to_owned())
}
