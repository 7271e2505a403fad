//! What a class answered, kept after the presentation for `izumi results`: one JSON file per
//! presentation in the state folder's `results/`, written again (atomically: a temporary file
//! renamed over it) whenever a question is asked, closed or revealed and when the presentation
//! ends. Counts and texts only: nothing tells who answered what.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::log::EventLog;
use crate::asking::{Posted, Result_};
use crate::paths;

/// The largest results file read back; a presentation's is a few kilobytes.
pub const LIMIT: u64 = 4 << 20;
/// Presentations listed at most, newest kept.
pub const MOST_PRESENTATIONS: usize = 1000;

/// One presentation's results, as kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    /// When it started, in RFC 3339 with the local offset.
    pub started: String,
    pub story: String,
    pub asked: Vec<Result_>,
    /// Students' questions the teacher did not dismiss, with their votes.
    pub posted: Vec<Posted>,
}

/// Where one presentation's results go.
pub struct Results {
    path: PathBuf,
    started: String,
    story: String,
    /// Whether a failure to write was logged already: logged once, not on every answer.
    failed: bool,
}

impl Results {
    /// Results of a presentation of `story` starting now, in `folder` (the state folder's
    /// `results/`).
    pub fn starting_now(folder: &Path, story: &str) -> Results {
        let now = jiff::ZonedDateTime::now();
        let started = now.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let name = format!(
            "{}-{}.json",
            now.strftime("%Y%m%d-%H%M%S"),
            std::process::id()
        );
        Results {
            path: folder.join(name),
            started,
            story: story.to_owned(),
            failed: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the results as they are now; a failure is logged once and the class goes on.
    pub fn write(&mut self, asked: &[Result_], posted: &[Posted], log: &EventLog) {
        if asked.is_empty() && posted.is_empty() {
            return;
        }
        let presentation = Presentation {
            started: self.started.clone(),
            story: self.story.clone(),
            asked: asked.to_vec(),
            posted: posted.to_vec(),
        };
        if let Err(error) = replace(&self.path, &presentation)
            && !std::mem::replace(&mut self.failed, true)
        {
            log.write(None, &format!("results: not kept: {error}"));
        }
    }
}

fn replace(path: &Path, presentation: &Presentation) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(presentation).map_err(io::Error::other)?;
    let temporary = paths::beside(path, ".tmp");
    let _ = fs::remove_file(&temporary);
    let mut file = paths::open_private(&temporary, false)?;
    file.write_all(&json)?;
    file.sync_all()?;
    fs::rename(&temporary, path)
}

/// Every presentation kept in `folder`, oldest first, with a line for each file that could not
/// be read (named, with why). A missing folder holds none.
pub fn read_all(folder: &Path) -> (Vec<Presentation>, Vec<String>) {
    let mut problems = Vec::new();
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return (Vec::new(), problems),
        Err(error) => {
            problems.push(format!("{}: {error}", folder.display()));
            return (Vec::new(), problems);
        }
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    let skip = names.len().saturating_sub(MOST_PRESENTATIONS);
    let mut presentations = Vec::new();
    for path in names.into_iter().skip(skip) {
        let read = paths::read_private(&path, LIMIT).and_then(|bytes| {
            serde_json::from_slice::<Presentation>(&bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        });
        match read {
            Ok(presentation) => presentations.push(presentation),
            Err(error) => problems.push(format!("{}: {error}", path.display())),
        }
    }
    (presentations, problems)
}
