//! What izumi remembers between sittings, per story: the scene the reader was on, the scene the
//! presenter was showing, their bookmarks and their answers to the story's questions. Kept in the user's state folder under the story's fingerprint, and never a reason
//! not to start: a missing file means a fresh start; anything else that is not a state file (a
//! corrupt one, one that is not text or larger than 1 MB, a folder, a FIFO, a link) is set aside,
//! not overwritten, and reported once; a file that cannot be written is reported once while
//! reading goes on; with no state folder, or one that is not the user's alone, the reader is told
//! once and nothing is saved.
//!
//! Several readers of one story may share the file. Each write locks the folder, reads the file
//! again, applies only what this reader changed since it last read or wrote (bookmarks added,
//! bookmarks removed, its place if it moved, answers given or taken back) and replaces it atomically: a temporary file,
//! flushed to disk, renamed over the old one. So no reader loses another's bookmark, a bookmark
//! one reader removes stays removed, and the place is the one moved to last.

use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::paths::{self, beside, folder_of};
use crate::story::text::sanitize;

/// The largest state file izumi reads; anything larger is set aside.
pub const LIMIT: u64 = 1 << 20;

/// The most answers a state file keeps: far more than any story asks; a file with more is
/// read up to this many (the first by id).
pub const MOST_ANSWERS: usize = 4096;

/// How long a write waits for another reader's write to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// The remembered state of one story, by scene id so that it survives edits to the story.
///
/// Fields this izumi does not know (written by a newer one) are read, kept in `other` and
/// written back unchanged, so that a file is never set aside or stripped for being newer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The scene the reader was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene: Option<String>,
    /// The scene the presenter was showing (`izumi present`), apart from the reader's place so
    /// that reading ahead at home does not move the class. Written only once someone presents,
    /// so a reader's file stays one that an older izumi reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presented: Option<String>,
    /// The furthest scene the reader has opened: people, places and terms tell as far as it
    /// unless the reader chose to be told everything. Files from before it was kept have none
    /// (the place and bookmarks stand for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
    /// Bookmarked scenes, in the order they were set.
    #[serde(default)]
    pub bookmarks: Vec<String>,
    /// The reader's answers to the story's questions ("check yourself"): the choice picked,
    /// counted from 0, by question id. Files from before questions have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub answers: BTreeMap<String, usize>,
    /// What a newer izumi wrote that this one does not know, kept as it was.
    #[serde(flatten)]
    pub other: Unknown,
}

/// Fields of a state file this izumi does not know, kept to be written back as they were.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Unknown(pub toml::Table);

/// Equal as values are; a NaN somewhere only makes a file be written again.
impl Eq for Unknown {}

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
            saved.presented = saved.presented.map(|scene| sanitize(&scene));
            saved.read = saved.read.map(|scene| sanitize(&scene));
            for bookmark in &mut saved.bookmarks {
                *bookmark = sanitize(bookmark);
            }
            saved.answers = usable_answers(std::mem::take(&mut saved.answers));
            Found::Usable(saved)
        }
        Err(error) => Found::InTheWay(error.message().lines().next().unwrap_or("").trim().into()),
    }
}

/// The answers of a file worth keeping: under a question id (which is never changed by
/// cleaning, so a hostile key cannot pass for another), for a choice a question can have, at
/// most [`MOST_ANSWERS`] of them.
fn usable_answers(answers: BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    answers
        .into_iter()
        .filter(|(id, choice)| {
            id.len() <= 100
                && crate::story::validate::is_valid_id(id)
                && *choice < crate::story::Question::MOST_CHOICES
        })
        .take(MOST_ANSWERS)
        .collect()
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
    match find(path) {
        Found::InTheWay(_) => {
            // Look again under the lock: another reader may just have put a good file there.
            let _lock = lock(path).ok();
            take_up(path, find(path))
        }
        found => take_up(path, found),
    }
}

/// Renames what is in the way next to itself with the time in its name (a folder or a link is
/// moved as it is, not entered or followed).
fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let aside = beside(path, &format!(".corrupt-{seconds}"));
    fs::rename(path, &aside)?;
    Ok(aside)
}

/// Takes the lock that writers of saved state share: the folder the state is in, so that no
/// lock file is left about. It waits at most [`LOCK_WAIT`] for another writer, and is released
/// when the returned handle is dropped.
fn lock(path: &Path) -> io::Result<File> {
    let folder = folder_of(path);
    let handle = File::open(folder).map_err(|error| {
        failed(
            error,
            format!("cannot open {} to lock it", folder.display()),
        )
    })?;
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match handle.try_lock() {
            Ok(()) => return Ok(handle),
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "another izumi has held {} locked for more than {} s",
                        folder.display(),
                        LOCK_WAIT.as_secs()
                    ),
                ));
            }
            Err(fs::TryLockError::Error(error)) => {
                return Err(failed(error, format!("cannot lock {}", folder.display())));
            }
        }
    }
}

/// Replaces the whole state with `saved`, under the lock. A reader that shares the file with
/// others writes with [`update`] instead, which keeps what they wrote. An error says which step
/// failed and on what path (the folder, the lock, the temporary file or the rename), with the
/// system's reason.
pub fn save(path: &Path, saved: &Saved) -> io::Result<()> {
    paths::private_folder(folder_of(path))?;
    let _lock = lock(path)?;
    write(path, saved)
}

/// Applies one reader's own changes, from `base` (its state when it last read or wrote the
/// file) to `mine` (its state now), to what the file holds now, under the lock, and writes the
/// result ([`merge`]). Returns what the file now holds and, when something in the way had to be
/// set aside first, a message saying so. A file that is there but cannot be read is left alone.
pub fn update(path: &Path, base: &Saved, mine: &Saved) -> io::Result<(Saved, Option<String>)> {
    paths::private_folder(folder_of(path))?;
    let _lock = lock(path)?;
    let found = find(path);
    let unchanged_if_equal = matches!(found, Found::Usable(_));
    let (now, note) = match found {
        Found::Unreadable(error) => {
            return Err(failed(error, "cannot read what is there".into()));
        }
        found => take_up(path, found),
    };
    let merged = merge(&now, base, mine);
    if !(unchanged_if_equal && merged == now) {
        write(path, &merged)?;
    }
    Ok((merged, note))
}

/// What one reader's changes since `base` make of `now`, the state another reader may have
/// written meanwhile: the bookmarks it removed are removed, the bookmarks it added are added
/// after the others (in its order, once each), and its place replaces the one in `now` if it
/// moved; everything else in `now` stays. A reader that did not move keeps the place in `now`,
/// or gives its own when `now` has none; the presenter's place goes the same way, and what a
/// newer izumi wrote is kept. Answers go the same way: those it gave or changed
/// replace what `now` has, those it took back (to answer again) are removed.
pub fn merge(now: &Saved, base: &Saved, mine: &Saved) -> Saved {
    let before: HashSet<&str> = base.bookmarks.iter().map(String::as_str).collect();
    let after: HashSet<&str> = mine.bookmarks.iter().map(String::as_str).collect();
    let mut bookmarks: Vec<String> = now
        .bookmarks
        .iter()
        .filter(|bookmark| after.contains(bookmark.as_str()) || !before.contains(bookmark.as_str()))
        .cloned()
        .collect();
    let mut present: HashSet<String> = bookmarks.iter().cloned().collect();
    for bookmark in &mine.bookmarks {
        if !before.contains(bookmark.as_str()) && present.insert(bookmark.clone()) {
            bookmarks.push(bookmark.clone());
        }
    }
    let place = |now: &Option<String>, base: &Option<String>, mine: &Option<String>| {
        if mine == base {
            now.clone().or_else(|| mine.clone())
        } else {
            mine.clone()
        }
    };
    let scene = place(&now.scene, &base.scene, &mine.scene);
    let presented = place(&now.presented, &base.presented, &mine.presented);
    // How far this reader has read, if it read further since; else what `now` says.
    let read = place(&now.read, &base.read, &mine.read);
    let mut answers = now.answers.clone();
    for (id, choice) in &mine.answers {
        if base.answers.get(id) != Some(choice) {
            answers.insert(id.clone(), *choice);
        }
    }
    for id in base.answers.keys() {
        if !mine.answers.contains_key(id) {
            answers.remove(id);
        }
    }
    let answers = usable_answers(answers);
    Saved {
        scene,
        presented,
        read,
        bookmarks,
        answers,
        other: now.other.clone(),
    }
}

/// Writes the state atomically: to a temporary file in the same folder, flushed to disk, then
/// renamed over the old file, so that a crash mid-write never leaves half a file. The caller
/// holds the lock.
fn write(path: &Path, saved: &Saved) -> io::Result<()> {
    let text = toml::to_string(saved).map_err(io::Error::other)?;
    let temporary = beside(path, &format!(".{}.tmp", std::process::id()));
    // Under the lock the temporary name is this process's alone: anything there is left from a
    // crash, or was planted. It is removed (a link itself, not what it points to) and the file
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

/// A story's saved state on disk, for one reader: read once at the start, and written whenever
/// the reader's place or bookmarks change, with only this reader's changes applied to what is
/// there then.
#[derive(Debug)]
pub struct Memory {
    /// Where the state is kept; none when there is no folder for it (said once, at the start).
    path: Option<PathBuf>,
    /// What was read at the start.
    pub last: Saved,
    /// This reader's own state when it last read or wrote the file: what it changed since is
    /// what the next write applies.
    base: Saved,
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
            base: last.clone(),
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
            base: Saved::default(),
            problem: Some(format!("your place will not be saved: {reason}")),
            failed: false,
        }
    }

    /// Says what this reader starts from: the app's state once it has taken up what was read
    /// (without bookmarks of scenes its story lacks, at the scene it was asked to open). Only
    /// what changes after this is written, so that nothing the app left out is removed.
    pub fn begin(&mut self, start: Saved) {
        self.base = start;
    }

    /// Writes this reader's changes since it last wrote, keeping everything else in the file;
    /// a failure gives a message for the reader the first time only, and something set aside
    /// on the way is always said.
    pub fn keep(&mut self, saved: &Saved) -> Option<String> {
        let path = self.path.as_ref()?;
        match update(path, &self.base, saved) {
            Ok((_, note)) => {
                self.base = saved.clone();
                self.failed = false;
                note
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
