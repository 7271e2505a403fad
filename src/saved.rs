//! What izumi remembers between sittings, per story: the scene the reader was on and their
//! bookmarks. Kept in the user's state folder under the story's fingerprint, and never a reason
//! not to start: a missing file means a fresh start; anything else that is not a state file (a
//! corrupt one, one that is not text or larger than 1 MB, a folder, a FIFO, a link) is set aside,
//! not overwritten, and reported once; a file that cannot be written is reported once while
//! reading goes on; with no state folder, or one that is not the user's alone, the reader is told
//! once and nothing is saved. The file is replaced atomically: a temporary file, flushed to
//! disk, renamed over the old one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::paths;
use crate::story::text::sanitize;

/// The largest state file izumi reads; anything larger is set aside.
pub const LIMIT: u64 = 1 << 20;

/// The remembered state of one story, by scene id so that it survives edits to the story.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    /// The scene the reader was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene: Option<String>,
    /// Bookmarked scenes, in the order they were set.
    #[serde(default)]
    pub bookmarks: Vec<String>,
}

/// What is found where a story's state is kept.
enum Found {
    Missing,
    Usable(Saved),
    /// Something that is not a state file, and what is wrong with it: it is set aside.
    InTheWay(String),
    /// A file that could not be read (its permissions, a failing disk): it is left alone.
    Unreadable(io::Error),
}

/// Looks at what is kept at `path`, reading at most [`LIMIT`] bytes and never waiting.
fn find(path: &Path) -> Found {
    let bytes = match paths::read_private(path, LIMIT) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Found::Missing,
        Err(error) if error.kind() == io::ErrorKind::InvalidData => {
            return Found::InTheWay(error.to_string());
        }
        Err(error) => return Found::Unreadable(error),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Found::InTheWay("not UTF-8 text".into());
    };
    match toml::from_str::<Saved>(&text) {
        Ok(mut saved) => {
            // The file is outside the story: clean its strings like any other input.
            saved.scene = saved.scene.map(|scene| sanitize(&scene));
            for bookmark in &mut saved.bookmarks {
                *bookmark = sanitize(bookmark);
            }
            Found::Usable(saved)
        }
        Err(error) => Found::InTheWay(error.message().lines().next().unwrap_or("").trim().into()),
    }
}

/// What was found, as a state to start from and a message for the reader; what is in the way
/// is set aside first.
fn take_up(path: &Path, found: Found) -> (Saved, Option<String>) {
    match found {
        Found::Missing => (Saved::default(), None),
        Found::Usable(saved) => (saved, None),
        Found::Unreadable(error) => (
            Saved::default(),
            Some(format!(
                "could not read {}: {error}; starting afresh",
                path.display()
            )),
        ),
        Found::InTheWay(reason) => {
            let kept = match set_aside(path) {
                Ok(aside) => format!("kept as {}", aside.display()),
                Err(error) => format!("and could not be set aside: {error}"),
            };
            (
                Saved::default(),
                Some(format!(
                    "saved place unreadable ({reason}), {kept}; starting afresh"
                )),
            )
        }
    }
}

/// Reads the saved state; anything wrong gives a fresh state and, once, a message saying what
/// happened. Whatever is in the way is renamed aside so that nothing the reader had is lost.
pub fn load(path: &Path) -> (Saved, Option<String>) {
    take_up(path, find(path))
}

/// Renames what is in the way next to itself with the time in its name (a folder or a link is
/// moved as it is, not entered or followed).
fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".corrupt-{seconds}"));
    let aside = path.with_file_name(name);
    fs::rename(path, &aside)?;
    Ok(aside)
}

/// `path` with `suffix` added to its name.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes the state atomically, in a private folder. An error says which step failed and on
/// what path (the folder, the temporary file or the rename), with the system's reason.
pub fn save(path: &Path, saved: &Saved) -> io::Result<()> {
    paths::private_folder(folder_of(path))?;
    write(path, saved)
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes the state atomically: to a temporary file in the same folder, flushed to disk, then
/// renamed over the old file, so that a crash mid-write never leaves half a file.
fn write(path: &Path, saved: &Saved) -> io::Result<()> {
    let text = toml::to_string(saved).map_err(io::Error::other)?;
    let temporary = beside(path, &format!(".{}.tmp", std::process::id()));
    // The temporary name is this process's own: anything there is left from a crash, or was
    // planted. It is removed (a link itself, not what it points to) and the file
    // made afresh; nothing is ever written through it.
    let file = match paths::open_private(&temporary, false) {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(&temporary).and_then(|()| paths::open_private(&temporary, false))
        }
        opened => opened,
    };
    let written = file
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .map_err(|error| failed(error, format!("cannot write {}", temporary.display())));
    let renamed = written.and_then(|()| {
        fs::rename(&temporary, path).map_err(|error| {
            let doing = format!("cannot rename {} over it", temporary.display());
            failed(error, doing)
        })
    });
    match renamed {
        Ok(()) => {
            // The rename itself reaches the disk with the folder.
            let _ = File::open(folder_of(path)).and_then(|folder| folder.sync_all());
            Ok(())
        }
        Err(error) => {
            let _ = fs::remove_file(&temporary);
            Err(error)
        }
    }
}

/// A story's saved state on disk, for one reader: read once at the start, written whenever
/// the reader's place or bookmarks change.
#[derive(Debug)]
pub struct Memory {
    /// Where the state is kept; none when there is no folder for it (said once, at the start).
    path: Option<PathBuf>,
    /// What was read at the start.
    pub last: Saved,
    /// What went wrong reading the file, to tell the reader once.
    pub problem: Option<String>,
    /// Saving failed once and was reported; it is not reported again.
    failed: bool,
}

impl Memory {
    /// Reads the saved state of the story with this fingerprint from the user's state folder.
    /// Without a state folder, or with one that is not the user's alone, nothing is read or
    /// saved, and `problem` says why.
    pub fn open(fingerprint: &str) -> Self {
        let folder = match paths::state_folder() {
            Ok(folder) => folder,
            Err(error) => return Self::nowhere(&error),
        };
        let stories = folder.join("stories");
        // Folders that are there already must be the user's; missing ones are made when saving.
        for folder in [&folder, &stories] {
            match paths::check_private(folder) {
                Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
                    return Self::nowhere(&error);
                }
                _ => {}
            }
        }
        Self::at(stories.join(format!("{fingerprint}.toml")))
    }

    /// Reads the saved state kept at `path`.
    pub fn at(path: PathBuf) -> Self {
        let (last, problem) = load(&path);
        Self {
            path: Some(path),
            last,
            problem,
            failed: false,
        }
    }

    /// A memory that keeps nothing, for this reason.
    fn nowhere(reason: &io::Error) -> Self {
        Self {
            path: None,
            last: Saved::default(),
            problem: Some(format!("your place will not be saved: {reason}")),
            failed: false,
        }
    }

    /// Writes the state; a failure gives a message for the reader the first time only.
    pub fn keep(&mut self, saved: &Saved) -> Option<String> {
        let path = self.path.as_ref()?;
        match save(path, saved) {
            Ok(()) => {
                self.failed = false;
                None
            }
            Err(_) if self.failed => None,
            Err(error) => {
                self.failed = true;
                Some(format!(
                    "could not save your place in {}: {error}",
                    path.display()
                ))
            }
        }
    }
}

/// `error` with what was being done put before the system's reason; its kind is kept.
fn failed(error: io::Error, doing: String) -> io::Error {
    io::Error::new(error.kind(), format!("{doing}: {error}"))
}
