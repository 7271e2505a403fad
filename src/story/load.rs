//! Reading a story folder and validating it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::de::DeserializeOwned;

use super::diagnostic::{
    Diagnostic, Found, Hints, Position, STORY_FILE_LIMIT, SourceFile, StoryErrors, Unreadable,
    look, read_source, shown_path,
};
use super::model::Story;
use super::raw::{
    RawCharacters, RawEditorNotes, RawEpisode, RawFootnotes, RawGlossary, RawLocations, RawStory,
};
use super::validate::{self, Parsed};

const MISSING: &str = "file is missing (a story folder holds story.toml, characters.toml, \
     footnotes.toml, locations.toml, glossary.toml and episodes/)";

/// The one story file that may be left out: a story with no editor's notes needs none.
const EDITOR_NOTES: &str = "editor_notes.toml";

const EPISODES_GO_THERE: &str = "episode files go in a folder named episodes";

/// A story folder on disk.
struct Folder<'a>(&'a Path);

/// What `episodes/` holds.
#[derive(Default)]
struct EpisodeFolder {
    /// `episodes/NAME.toml` for each entry named like an episode file, sorted.
    files: Vec<String>,
    /// Why the folder could not be listed, if it could not.
    problem: Option<Diagnostic>,
    /// The entries whose names are not UTF-8, which story.toml cannot name.
    unnamed: Vec<Diagnostic>,
}

impl Folder<'_> {
    /// The path to show for a file of this story.
    fn display_path(&self, relative: &str) -> String {
        shown_path(&self.0.join(relative))
    }

    /// A file's text, or a located message saying why it could not be read.
    fn read(&self, relative: &str) -> Result<SourceFile, Diagnostic> {
        read_source(&self.0.join(relative), STORY_FILE_LIMIT, "a story file").map_err(
            |unreadable| match unreadable {
                Unreadable::Missing => Diagnostic::new(&self.display_path(relative), None, MISSING),
                Unreadable::Problem(problem) => problem,
            },
        )
    }

    /// The entries of `episodes/` named `*.toml`, or why there are none.
    fn episode_folder(&self) -> EpisodeFolder {
        let path = self.0.join("episodes");
        let folder_problem = |message: &str| EpisodeFolder {
            problem: Some(Diagnostic::new(&shown_path(&path), None, message)),
            ..EpisodeFolder::default()
        };
        if !path.is_dir() {
            return folder_problem(&match look(&path) {
                Found::Missing => format!("folder is missing: {EPISODES_GO_THERE}"),
                Found::File(_) => format!("is a file, not a folder: {EPISODES_GO_THERE}"),
                Found::Other(what) => format!("{what}: {EPISODES_GO_THERE}"),
            });
        }
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(error) => {
                return folder_problem(&format!("cannot list the folder: {}", error.kind()));
            }
        };
        let mut folder = EpisodeFolder::default();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|ext| ext != "toml") {
                continue;
            }
            match entry.file_name().to_str() {
                Some(name) => folder.files.push(format!("episodes/{name}")),
                None => folder.unnamed.push(Diagnostic::new(
                    &shown_path(&path),
                    None,
                    "this file's name is not valid UTF-8, so story.toml cannot list it: rename it",
                )),
            }
        }
        folder.files.sort();
        folder.unnamed.sort_by(|a, b| a.path().cmp(b.path()));
        folder
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
        EDITOR_NOTES,
        "locations.toml",
        "glossary.toml",
    ]
    .map(str::to_owned)
    .into();
    files.extend(folder.episode_folder().files);
    files
        .iter()
        .filter_map(|relative| folder.read(relative).ok())
        .flat_map(|file| super::hostile::removed_characters(&file))
        .collect()
}

/// Loads and validates a story, reporting every problem at once.
pub fn load(dir: &Path) -> Result<Story, StoryErrors> {
    if !dir.is_dir() {
        let why = match look(dir) {
            Found::Missing => "no such directory".to_owned(),
            Found::File(_) => "it is a file".to_owned(),
            Found::Other(what) => what,
        };
        return Err(StoryErrors {
            diagnostics: vec![Diagnostic::new(
                &shown_path(dir),
                None,
                &format!("not a story folder ({why})"),
            )],
        });
    }
    let source = &Folder(dir);
    let mut problems = Vec::new();
    let story = parse::<RawStory>(source, "story.toml", &mut problems);
    let characters = parse::<RawCharacters>(source, "characters.toml", &mut problems);
    let footnotes = parse::<RawFootnotes>(source, "footnotes.toml", &mut problems);
    // An absent file of editor's notes is one with no notes.
    let editor_notes = match look(&dir.join(EDITOR_NOTES)) {
        Found::Missing => Some((
            SourceFile::new(source.display_path(EDITOR_NOTES), String::new()),
            RawEditorNotes::default(),
        )),
        _ => parse::<RawEditorNotes>(source, EDITOR_NOTES, &mut problems),
    };
    let locations = parse::<RawLocations>(source, "locations.toml", &mut problems);
    let glossary = parse::<RawGlossary>(source, "glossary.toml", &mut problems);
    let (episodes, episodes_complete) = story
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
        .chain(episodes.iter().map(|(file, _)| file))
        // Only a file that is there: a story without one keeps the fingerprint it had.
        .chain(
            editor_notes
                .as_ref()
                .map(|(file, _)| file)
                .filter(|file| !file.text.is_empty()),
        ),
    );
    let parsed = Parsed {
        story,
        characters,
        footnotes,
        editor_notes,
        locations,
        glossary,
        episodes,
        episodes_complete,
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

/// Reads the episode files story.toml lists, and whether every one of them was read and parsed
/// (if not, problems that depend on every episode, like a footnote nobody cites, are left
/// unsaid: they would only echo the missing file).
fn load_episodes(
    source: &Folder<'_>,
    story_file: &SourceFile,
    story: &RawStory,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<(SourceFile, RawEpisode)>, bool) {
    let folder = source.episode_folder();
    let present: HashSet<&str> = folder.files.iter().map(String::as_str).collect();
    let listed: &[toml::Spanned<String>] = story.episodes.get_ref();
    if listed.is_empty() {
        problems.push(story_file.error_at(
            story.episodes.span(),
            "`episodes` lists no episode files; a story needs at least one",
        ));
    }
    let folder_listed = folder.problem.is_none();
    let mut complete = folder_listed;
    problems.extend(folder.problem);
    problems.extend(folder.unnamed);
    let mut hints = Hints::default();
    let mut first_listed: HashMap<&str, Position> = HashMap::new();
    let mut found = Vec::new();
    let mut suggested = HashSet::new();
    let listed_names: HashSet<&str> = listed.iter().map(|path| path.get_ref().as_str()).collect();
    for path in listed {
        let relative = path.get_ref().as_str();
        let here = story_file.position(path.span().start);
        if let Some(first) = first_listed.get(relative) {
            problems.push(story_file.error_at(
                path.span(),
                format!(
                    "episode file \"{relative}\" is listed twice (first at line {}, column {})",
                    first.line, first.column
                ),
            ));
            continue;
        }
        first_listed.insert(relative, here);
        if present.contains(relative) {
            found.push(relative);
        } else if folder_listed {
            // Without the folder, every file would be "not found": its one message says why.
            let unlisted = folder
                .files
                .iter()
                .map(String::as_str)
                .filter(|file| !listed_names.contains(file));
            let near = hints.closest(relative, unlisted);
            let hint = near
                .map(|near| format!(" — did you mean \"{near}\"?"))
                .unwrap_or_default();
            problems.push(story_file.error_at(
                path.span(),
                format!("episode file \"{relative}\" not found{hint}"),
            ));
            // The file it was likely meant to be is not also reported as unlisted: it is the
            // same mistake.
            suggested.extend(near);
            complete = false;
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
    complete &= episodes.len() == found.len();
    for unlisted in folder.files.iter().filter(|file| {
        !first_listed.contains_key(file.as_str()) && !suggested.contains(file.as_str())
    }) {
        let path = source.display_path(unlisted);
        problems.push(match look(&source.0.join(unlisted)) {
            // The whole file is meant: point at its start.
            Found::File(_) => Diagnostic::new(
                &path,
                Some(Position { line: 1, column: 1 }),
                "this episode file is not listed in story.toml's `episodes`",
            ),
            Found::Missing => continue,
            Found::Other(what) => Diagnostic::new(
                &path,
                None,
                &format!("{what}; in episodes/, only episode files may end in .toml"),
            ),
        });
    }
    (episodes, complete)
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
            let mut message = toml_message(&error);
            if file.text.trim().is_empty() {
                message = format!("file is empty; {message}");
            }
            problems.push(match error.span() {
                Some(span) => file.error_at(span, message),
                None => file.error(message),
            });
            None
        }
    }
}

/// toml's message on one line, without the source excerpt it draws for humans.
pub(crate) fn toml_message(error: &toml::de::Error) -> String {
    let message = error
        .message()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if message.contains("recurs") {
        // toml stops at a depth no story or configuration needs; say so plainly.
        format!("tables or arrays are nested too deeply ({message})")
    } else {
        message
    }
}
