//! What izumi remembers between sittings, per story: the scene the reader was on and their
//! bookmarks. Kept in the user's state folder under the story's fingerprint, written atomically
//! (a temporary file renamed over the old one), and never a reason not to start: a missing file
//! means a fresh start, a corrupt one is set aside (not overwritten) and reported once, and a
//! file that cannot be written is reported once while reading goes on.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::story::text::sanitize;

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

/// Where a story's state is kept.
pub fn path_for(fingerprint: &str) -> PathBuf {
    crate::paths::state_folder()
        .join("stories")
        .join(format!("{fingerprint}.toml"))
}

/// Reads the saved state; anything wrong gives a fresh state and, once, a message saying what
/// happened. A corrupt file is renamed aside so that nothing the reader had is lost.
pub fn load(path: &Path) -> (Saved, Option<String>) {
    let text = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return (Saved::default(), None),
        Err(error) => {
            return (
                Saved::default(),
                Some(format!(
                    "could not read {}: {error}; starting afresh",
                    path.display()
                )),
            );
        }
    };
    let parsed = String::from_utf8(text)
        .map_err(|error| error.to_string())
        .and_then(|text| toml::from_str::<Saved>(&text).map_err(|error| error.message().into()));
    match parsed {
        Ok(mut saved) => {
            // The file is outside the story: clean its strings like any other input.
            saved.scene = saved.scene.map(|scene| sanitize(&scene));
            for bookmark in &mut saved.bookmarks {
                *bookmark = sanitize(bookmark);
            }
            (saved, None)
        }
        Err(reason) => {
            let aside = set_aside(path);
            let kept = match &aside {
                Ok(aside) => format!("kept as {}", aside.display()),
                Err(error) => format!("and could not be set aside: {error}"),
            };
            (
                Saved::default(),
                Some(format!(
                    "saved place unreadable ({}), {kept}; starting afresh",
                    reason.lines().next().unwrap_or("").trim()
                )),
            )
        }
    }
}

/// Renames a corrupt file next to itself with the time in its name.
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

/// Writes the state atomically: to a temporary file in the same folder, then renamed over the
/// old file, so that a crash mid-write never leaves half a file. An error says which step failed
/// and on what path (the folder, the temporary file or the rename), with the system's reason.
pub fn save(path: &Path, saved: &Saved) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|error| {
        failed(
            error,
            format!("cannot create the folder {}", folder.display()),
        )
    })?;
    let text = toml::to_string(saved).map_err(io::Error::other)?;
    let mut temporary = path.as_os_str().to_os_string();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written = fs::File::create(&temporary)
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
        Ok(()) => Ok(()),
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
    path: PathBuf,
    /// What was read at the start.
    pub last: Saved,
    /// What went wrong reading the file, to tell the reader once.
    pub problem: Option<String>,
    /// Saving failed once and was reported; it is not reported again.
    failed: bool,
}

impl Memory {
    /// Reads the saved state of the story with this fingerprint.
    pub fn open(fingerprint: &str) -> Self {
        let path = path_for(fingerprint);
        let (last, problem) = load(&path);
        Self {
            path,
            last,
            problem,
            failed: false,
        }
    }

    /// Writes the state; a failure gives a message for the reader the first time only.
    pub fn keep(&mut self, saved: &Saved) -> Option<String> {
        match save(&self.path, saved) {
            Ok(()) => {
                self.failed = false;
                None
            }
            Err(_) if self.failed => None,
            Err(error) => {
                self.failed = true;
                Some(format!(
                    "could not save your place in {}: {error}",
                    self.path.display()
                ))
            }
        }
    }
}

/// `error` with what was being done put before the system's reason; its kind is kept.
fn failed(error: io::Error, doing: String) -> io::Error {
    io::Error::new(error.kind(), format!("{doing}: {error}"))
}
