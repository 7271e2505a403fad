//! Where izumi keeps files of its own, following the XDG base directories, and how it makes sure
//! they stay its own: the one place that reads those variables, and the one place that makes
//! izumi's folders and opens its files.
//!
//! Nothing falls back to a shared folder: without `HOME` and the XDG variable there is no folder,
//! and the caller says so (the reader reads on without saving). A folder izumi keeps files in
//! must be the user's and writable by no one else, as OpenSSH asks of `~/.ssh`; izumi makes its
//! folders with mode 0700 and its files with 0600, and never opens one through a symbolic link.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::OFlags;

/// How izumi reads its environment; the real one is `std::env::var_os`, a test passes its own.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// The process's own environment.
fn real_env(name: &str) -> Option<OsString> {
    std::env::var_os(name)
}

/// The variable's value as a folder, if it is an absolute path: the XDG specification says to
/// ignore relative ones, and an empty one is as good as unset.
fn absolute(env: Env, variable: &str) -> Option<PathBuf> {
    env(variable)
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
}

/// `$VARIABLE/izumi` when the variable is set, else `$HOME/FALLBACK/izumi`, else nothing.
fn base(env: Env, variable: &str, fallback: &str) -> Option<PathBuf> {
    absolute(env, variable)
        .or_else(|| absolute(env, "HOME").map(|home| home.join(fallback)))
        .map(|base| base.join("izumi"))
}

/// Why there is no folder: the variables that would have named one.
fn nowhere(variables: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{variables} is set to a folder"),
    )
}

/// The user's state folder for izumi: `$XDG_STATE_HOME/izumi`, else `~/.local/state/izumi`;
/// an error saying so when neither variable is set.
pub fn state_folder() -> io::Result<PathBuf> {
    state_folder_in(&real_env)
}

/// [`state_folder`] in the environment `env`.
pub fn state_folder_in(env: Env) -> io::Result<PathBuf> {
    base(env, "XDG_STATE_HOME", ".local/state")
        .ok_or_else(|| nowhere("neither $XDG_STATE_HOME nor $HOME"))
}

/// The user's configuration file: `$XDG_CONFIG_HOME/izumi/config.toml`, else
/// `~/.config/izumi/config.toml`; none when neither variable is set.
pub fn config_file() -> Option<PathBuf> {
    config_file_in(&real_env)
}

/// [`config_file`] in the environment `env`.
pub fn config_file_in(env: Env) -> Option<PathBuf> {
    base(env, "XDG_CONFIG_HOME", ".config").map(|folder| folder.join("config.toml"))
}

/// The user's runtime folder for izumi (`$XDG_RUNTIME_DIR/izumi`), else the state folder; an
/// error saying so when none of the variables is set.
pub fn runtime_folder() -> io::Result<PathBuf> {
    runtime_folder_in(&real_env)
}

/// [`runtime_folder`] in the environment `env`.
pub fn runtime_folder_in(env: Env) -> io::Result<PathBuf> {
    match absolute(env, "XDG_RUNTIME_DIR") {
        Some(base) => Ok(base.join("izumi")),
        None => state_folder_in(env)
            .map_err(|_| nowhere("none of $XDG_RUNTIME_DIR, $XDG_STATE_HOME and $HOME")),
    }
}

/// The user this process runs as.
fn me() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// A refusal to use `folder`, saying why.
fn refused(folder: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{} {why}", folder.display()),
    )
}

/// Checks that `folder` is one izumi may keep files in: a folder owned by this user and
/// writable by no one else; when it is reached through a symbolic link, the link must be this
/// user's too. The error (`PermissionDenied`, or the system's when it cannot be looked at)
/// names the folder, says what is wrong and how to put it right.
pub fn check_private(folder: &Path) -> io::Result<()> {
    let me = me();
    let link = fs::symlink_metadata(folder)?;
    if link.file_type().is_symlink() && link.uid() != me {
        return Err(refused(
            folder,
            &format!(
                "is a link made by user {}, not by you (user {me}), so izumi does not follow it",
                link.uid()
            ),
        ));
    }
    let folder_itself = fs::metadata(folder)?;
    if !folder_itself.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is not a folder", folder.display()),
        ));
    }
    if folder_itself.uid() != me {
        return Err(refused(
            folder,
            &format!(
                "belongs to user {}, not to you (user {me}), so izumi keeps nothing there",
                folder_itself.uid()
            ),
        ));
    }
    let mode = folder_itself.mode() & 0o7777;
    let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
        (false, false) => return Ok(()),
        (true, false) => "its group",
        (false, true) => "others",
        (true, true) => "its group and by others",
    };
    Err(refused(
        folder,
        &format!(
            "is writable by {who} (mode {mode:o}), so izumi keeps nothing there; \
             `chmod go-w` on it makes it yours alone"
        ),
    ))
}

/// Makes sure `folder` is a private folder of this user's: creates it, and any folders missing
/// above it, with mode 0700, or checks an existing one with [`check_private`].
pub fn private_folder(folder: &Path) -> io::Result<PathBuf> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot create the folder {}: {error}", folder.display()),
            )
        })?;
    check_private(folder)?;
    Ok(folder.to_path_buf())
}

/// The folder a file is in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `path` with `suffix` added to its name: a temporary file, or an old copy, beside it.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The flags that keep an open from following a link at the end of the path or waiting on a
/// FIFO (a FIFO opened for writing with no reader fails at once instead).
fn careful() -> i32 {
    // The flags are small positive numbers on every platform; the conversion cannot fail.
    i32::try_from((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits()).unwrap_or(0)
}

/// Whether an open failed because the last part of the path is a symbolic link.
fn is_link(error: &io::Error) -> bool {
    error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
}

/// Why a file that is there is not one izumi will use: `InvalidData`, with what it is instead.
fn odd(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// What a file of this type is, in a few words, when it is not a plain file.
fn not_a_file(kind: fs::FileType) -> io::Error {
    let what = if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "something else"
    };
    odd(format!("{what}, not a file"))
}

/// Checks what an open gave: a plain file of this user's.
fn own_plain_file(file: File) -> io::Result<File> {
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(not_a_file(metadata.file_type()));
    }
    if metadata.uid() != me() {
        return Err(odd(format!("a file of user {}, not yours", metadata.uid())));
    }
    Ok(file)
}

/// Opens a file of izumi's own for writing, for this user only. Its folder is made private
/// first ([`private_folder`]: created with mode 0700, or checked to be the user's and writable
/// by no one else); the file is never opened through a symbolic link (`O_NOFOLLOW`), never waits
/// on a FIFO, is created with mode 0600, and must turn out to be a plain file of this user's.
///
/// With `append`, an existing file is added to and a missing one created: a log (the
/// presenter's `present-PORT.log`) or a lock. Without, the file must not exist yet
/// (`create_new`): a fresh secret or temporary file, never someone else's file or link.
///
/// Every file izumi writes under its folders should be opened with this rather than with
/// `OpenOptions`. An error names the path.
pub fn open_private(path: &Path, append: bool) -> io::Result<File> {
    private_folder(folder_of(path))?;
    let mut options = OpenOptions::new();
    options.mode(0o600).custom_flags(careful());
    if append {
        options.append(true).create(true);
    } else {
        options.write(true).create_new(true);
    }
    let named =
        |error: io::Error| io::Error::new(error.kind(), format!("{}: {error}", path.display()));
    let file = options.open(path).map_err(|error| {
        if is_link(&error) {
            named(odd("a symbolic link, not a file"))
        } else {
            named(error)
        }
    })?;
    own_plain_file(file).map_err(named)
}

/// Reads a file of izumi's own, of at most `limit` bytes, from a folder that passes
/// [`check_private`]: never through a symbolic link, never waiting on a FIFO, and only a plain
/// file of this user's. Something there that is not such a file, or is larger, gives an
/// `InvalidData` error saying what it is ("a FIFO, not a file", "larger than 1 MB: … bytes");
/// a missing file gives `NotFound`. The messages do not repeat the path.
pub fn read_private(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    check_private(folder_of(path))?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(careful())
        .open(path)
        .map_err(|error| {
            if is_link(&error) {
                odd("a symbolic link, not a file")
            } else {
                error
            }
        })?;
    let file = own_plain_file(file)?;
    let too_large = |size: u64| odd(format!("larger than {}: {size} bytes", size_name(limit)));
    let size = file.metadata()?.len();
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A limit in words: "1 MB", "4096 bytes".
fn size_name(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}
