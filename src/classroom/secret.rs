//! The console secret: made by `present`, kept in a file only the same user can read, and read
//! back by `notes`, so that only the presenter's own console can move the presentation.

use std::fs;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;

/// Where the secret of a presenter listening on `address` is kept.
pub fn path(address: SocketAddr) -> PathBuf {
    crate::paths::runtime_folder().join(format!("console-{}.secret", address.port()))
}

/// Where a presenter listening on `address` logs what it refused, dropped or cut.
pub fn log_path(address: SocketAddr) -> PathBuf {
    crate::paths::state_folder().join(format!("present-{}.log", address.port()))
}

/// Makes a new random secret for a presenter and writes it, readable by this user only.
pub fn create(address: SocketAddr) -> io::Result<String> {
    let mut bytes = [0u8; 16];
    fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(crate::paths::runtime_folder())?;
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
