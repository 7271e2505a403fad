//! The SSH server's host key: an ed25519 key made on first use and kept in izumi's state
//! folder, readable by this user only, then used again on every start, so that students' SSH
//! clients see the same fingerprint from one lesson to the next. It is read and written only
//! through `paths` (a private folder, no symbolic link followed, no FIFO waited on), and a file
//! that is not such a key is refused with a message saying what to do, never replaced.

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::{HashAlg, LineEnding};
use russh::keys::{Algorithm, PrivateKey};

use crate::paths;

/// The key file's name in the state folder, as OpenSSH names its own.
pub const FILE_NAME: &str = "ssh_host_ed25519_key";

/// A key file is a few hundred bytes; anything much larger is not one.
const LIMIT: u64 = 16 * 1024;

/// Where the host key is kept: `$XDG_STATE_HOME/izumi/ssh_host_ed25519_key`, else under
/// `~/.local/state/izumi`.
pub fn path() -> io::Result<PathBuf> {
    Ok(paths::state_folder()?.join(FILE_NAME))
}

/// Why the host key cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{path} is readable by others (mode {mode:o}): a host key must be yours alone; \
         `chmod 600` it, or remove it and izumi makes a new one"
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error(
        "{path} is not an unencrypted ed25519 key in OpenSSH's format ({why}); move it away and \
         izumi makes a new one"
    )]
    NotAKey { path: PathBuf, why: String },
}

/// The host key at `path`: the one there, or a new one made and kept there when there is none.
pub fn load_or_create(path: &Path) -> Result<PrivateKey, HostKeyError> {
    let io_error = |source: io::Error| HostKeyError::Io {
        path: path.to_owned(),
        source,
    };
    match paths::read_private(path, LIMIT) {
        Ok(bytes) => {
            let mode = fs::symlink_metadata(path)
                .map_err(io_error)?
                .permissions()
                .mode()
                & 0o777;
            if mode & 0o077 != 0 {
                return Err(HostKeyError::Exposed {
                    path: path.to_owned(),
                    mode,
                });
            }
            let not_a_key = |why: String| HostKeyError::NotAKey {
                path: path.to_owned(),
                why,
            };
            let key =
                PrivateKey::from_openssh(&bytes).map_err(|error| not_a_key(error.to_string()))?;
            if key.is_encrypted() {
                return Err(not_a_key("it is encrypted".into()));
            }
            if key.algorithm() != Algorithm::Ed25519 {
                return Err(not_a_key(format!("it is {}", key.algorithm())));
            }
            Ok(key)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => create(path).map_err(io_error),
        Err(error) => Err(io_error(error)),
    }
}

/// Makes a new key and writes it with mode 0600 where no file is (never over one).
fn create(path: &Path) -> io::Result<PrivateKey> {
    let mut seed = [0u8; 32];
    fs::File::open("/dev/urandom")?.read_exact(&mut seed)?;
    let mut key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    seed.fill(0);
    key.set_comment("izumi present --ssh");
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|error| io::Error::other(error.to_string()))?;
    let mut file = paths::open_private(path, false)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

/// The key's fingerprint as OpenSSH shows it (`SHA256:…`), for students to compare.
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}
