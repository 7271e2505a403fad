//! Reading a story folder and validating it.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::diagnostic::{Diagnostic, Position, SourceFile, StoryErrors, did_you_mean, shown_path};
use super::model::Story;
use super::raw::{RawCharacters, RawEpisode, RawFootnotes, RawGlossary, RawLocations, RawStory};
use super::validate::{self, Parsed};

const MISSING: &str = "file is missing (a story folder holds story.toml, characters.toml, \
     footnotes.toml, locations.toml, glossary.toml and episodes/)";

/// A story folder on disk.
struct Folder<'a>(&'a Path);

impl Folder<'_> {
    /// The path to show for a file of this story.
    fn display_path(&self, relative: &str) -> String {
        shown_path(&self.0.join(relative))
    }

    /// A file's text, or a located message saying why it could not be read.
    fn read(&self, relative: &str) -> Result<SourceFile, Diagnostic> {
        let path = self.display_path(relative);
        let failure = |message: String| Diagnostic::new(&path, None, &message);
        let bytes = std::fs::read(self.0.join(relative)).map_err(|error| {
            failure(match error.kind() {
                std::io::ErrorKind::NotFound => MISSING.to_owned(),
                _ => format!("cannot read file: {error}"),
            })
        })?;
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(error) => {
                // Point at the first bad byte: the text before it is good UTF-8.
                let good = error.utf8_error().valid_up_to();
                let before = String::from_utf8_lossy(&error.as_bytes()[..good]).into_owned();
                let file = SourceFile::new(path, before);
                Err(file.error_at(good..good, "file is not valid UTF-8 from here on"))
            }
        }
    }

    /// The `.toml` files under `episodes/`, as paths relative to the story folder, sorted.
    fn episode_files(&self) -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(self.0.join("episodes"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
            .filter_map(|path| {
                let name = path.file_name()?.to_str()?;
                Some(format!("episodes/{name}"))
            })
            .collect();
        files.sort();
        files
    }
}

/// What the loader will clean out of a story folder's strings, one warning per character, for
/// `izumi check`. Files that cannot be read or parsed are left to `load` to report.
pub fn warnings(dir: &Path) -> Vec<Diagnostic> {
    let folder = Folder(dir);
    let mut files: Vec<String> = [
        "story.toml",
        "characters.toml",
        "footnotes.toml",
        "locations.toml",
        "glossary.toml",
    ]
    .map(str::to_owned)
    .into();
    files.extend(folder.episode_files());
    files
        .iter()
        .filter_map(|relative| folder.read(relative).ok())
        .flat_map(|file| super::hostile::removed_characters(&file))
        .collect()
}

/// Loads and validates a story, reporting every problem at once.
pub fn load(dir: &Path) -> Result<Story, StoryErrors> {
    if !dir.is_dir() {
        return Err(StoryErrors {
            diagnostics: vec![Diagnostic::new(
                &shown_path(dir),
                None,
                "not a story folder (no such directory)",
            )],
        });
    }
    let source = &Folder(dir);
    let mut problems = Vec::new();
    let story = parse::<RawStory>(source, "story.toml", &mut problems);
    let characters = parse::<RawCharacters>(source, "characters.toml", &mut problems);
    let footnotes = parse::<RawFootnotes>(source, "footnotes.toml", &mut problems);
    let locations = parse::<RawLocations>(source, "locations.toml", &mut problems);
    let glossary = parse::<RawGlossary>(source, "glossary.toml", &mut problems);
    let episodes = story
        .as_ref()
        .map(|(file, raw)| load_episodes(source, file, raw, &mut problems))
        .unwrap_or_default();

    let fingerprint = fingerprint(
        [
            story.as_ref().map(|(file, _)| file),
            characters.as_ref().map(|(file, _)| file),
            footnotes.as_ref().map(|(file, _)| file),
            locations.as_ref().map(|(file, _)| file),
            glossary.as_ref().map(|(file, _)| file),
        ]
        .into_iter()
        .flatten()
        .chain(episodes.iter().map(|(file, _)| file)),
    );
    let parsed = Parsed {
        story,
        characters,
        footnotes,
        locations,
        glossary,
        episodes,
    };
    let story = validate::build(parsed, &mut problems);
    match story {
        Some(mut story) if problems.is_empty() => {
            story.fingerprint = fingerprint;
            Ok(story)
        }
        _ => {
            problems.sort_by(|a, b| (a.path(), a.position()).cmp(&(b.path(), b.position())));
            problems.dedup();
            Err(StoryErrors {
                diagnostics: problems,
            })
        }
    }
}

/// A short hash of the story's files (FNV-1a over their text, in load order), so that a presenter
/// and its followers can tell whether they show the same story.
fn fingerprint<'a>(files: impl Iterator<Item = &'a SourceFile>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        for byte in file.text.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn load_episodes(
    source: &Folder<'_>,
    story_file: &SourceFile,
    story: &RawStory,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(SourceFile, RawEpisode)> {
    let present = source.episode_files();
    let listed: Vec<&str> = story
        .episodes
        .get_ref()
        .iter()
        .map(|path| path.get_ref().as_str())
        .collect();
    if listed.is_empty() {
        problems.push(story_file.error_at(
            story.episodes.span(),
            "`episodes` lists no episode files; a story needs at least one",
        ));
    }
    let mut found = Vec::new();
    for path in story.episodes.get_ref() {
        let relative = path.get_ref();
        if present.contains(relative) {
            found.push(relative.as_str());
        } else {
            let hint = did_you_mean(relative, present.iter().map(String::as_str));
            problems.push(story_file.error_at(
                path.span(),
                format!("episode file \"{relative}\" not found{hint}"),
            ));
        }
    }
    // Episode files are independent: parse them on every core, keeping their order.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = found.len().div_ceil(threads).max(1);
    let parsed: Vec<(Vec<ParsedFile<RawEpisode>>, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = found
            .chunks(chunk)
            .map(|files| {
                scope.spawn(move || {
                    let mut problems = Vec::new();
                    let episodes = files
                        .iter()
                        .filter_map(|relative| parse::<RawEpisode>(source, relative, &mut problems))
                        .collect();
                    (episodes, problems)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut episodes = Vec::new();
    for (some, their_problems) in parsed {
        episodes.extend(some);
        problems.extend(their_problems);
    }
    for unlisted in present
        .iter()
        .filter(|file| !listed.contains(&file.as_str()))
    {
        problems.push(Diagnostic::new(
            &source.display_path(unlisted),
            // The whole file is meant: point at its start.
            Some(Position { line: 1, column: 1 }),
            "this episode file is not listed in story.toml's `episodes`",
        ));
    }
    episodes
}

/// A file that parsed, with what it parsed to.
type ParsedFile<T> = (SourceFile, T);

fn parse<T: DeserializeOwned>(
    source: &Folder<'_>,
    relative: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<(SourceFile, T)> {
    let file = source.read(relative).map_err(|p| problems.push(p)).ok()?;
    match toml::from_str::<T>(&file.text) {
        Ok(raw) => Some((file, raw)),
        Err(error) => {
            let message = toml_message(&error);
            let diagnostic = match error.span() {
                Some(span) => file.error_at(span, message),
                None => file.error(message),
            };
            problems.push(diagnostic);
            None
        }
    }
}

/// toml's message on one line, without the source excerpt it draws for humans.
fn toml_message(error: &toml::de::Error) -> String {
    error
        .message()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
