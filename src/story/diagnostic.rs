//! Problems found in story files, each located at a file, line and column.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use super::text::escape;

/// A line and column, both counted from 1; columns count characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem in one file. Its path and message are made safe for a terminal when it is made
/// (see [`Diagnostic::new`]), so no way of showing one can let a story or a file name act on the
/// terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    path: String,
    position: Option<Position>,
    message: String,
}

/// The longest message shown whole; a longer one (quoting a huge value) keeps its start and end.
const MESSAGE_LIMIT: usize = 480;

impl Diagnostic {
    /// A problem at a path, at a position if there is one. Whatever a terminal could act on
    /// (control characters, escape sequences' introducers, bidirectional controls, newlines) is
    /// shown as an escape like `\u001B`, and a message that quotes something huge is cut in the
    /// middle, so that it stays one line of sensible length.
    pub fn new(path: &str, position: Option<Position>, message: &str) -> Self {
        Self {
            path: escape(path),
            position,
            message: escape(&shorten(message)),
        }
    }

    /// The file, as shown (escaped).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Where in the file, if the problem has a place.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// What is wrong, as shown (escaped).
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The message, cut in the middle with " … " if it is longer than the limit.
fn shorten(message: &str) -> std::borrow::Cow<'_, str> {
    let count = message.chars().count();
    if count <= MESSAGE_LIMIT {
        return message.into();
    }
    // The start says what is wrong; the end holds the advice and any "did you mean".
    let (head, tail) = (MESSAGE_LIMIT / 2, MESSAGE_LIMIT / 2 - 3);
    let start: String = message.chars().take(head).collect();
    let end: String = message.chars().skip(count - tail).collect();
    format!("{start} … {end}").into()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(Position { line, column }) => {
                write!(f, "{}:{line}:{column}: {}", self.path, self.message)
            }
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// A path as messages show it: characters a terminal could act on escaped, and bytes that are
/// not UTF-8 written as `\xFF`.
pub fn shown_path(path: &Path) -> String {
    let mut shown = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        shown.push_str(chunk.valid());
        for byte in chunk.invalid() {
            shown.push_str(&format!("\\x{byte:02X}"));
        }
    }
    escape(&shown)
}

/// How many problems a list shows before it says how many more there are.
pub const SHOWN_PROBLEMS: usize = 200;

/// Every problem that stopped a story from loading.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct StoryErrors {
    pub diagnostics: Vec<Diagnostic>,
}

impl StoryErrors {
    /// The problems as lines to show: the first [`SHOWN_PROBLEMS`], then how many more there
    /// are, so that a story broken in a million places is still a screenful that starts with
    /// the first problem.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .diagnostics
            .iter()
            .take(SHOWN_PROBLEMS)
            .map(ToString::to_string)
            .collect();
        let more = self.diagnostics.len().saturating_sub(SHOWN_PROBLEMS);
        if more > 0 {
            lines.push(format!(
                "… and {more} more problem{} (fix the first ones first)",
                if more == 1 { "" } else { "s" }
            ));
        }
        lines
    }
}

impl fmt::Display for StoryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in self.lines() {
            writeln!(f, "{line}")?;
        }
        let count = self.diagnostics.len();
        write!(
            f,
            "{count} problem{} found",
            if count == 1 { "" } else { "s" }
        )
    }
}

/// The most a story file may hold: far more than any real one, little enough to read at once.
pub const STORY_FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Nothing is there (not even a broken link).
    Missing,
    /// Something is there that izumi will not read, or could not: the problem, located.
    Problem(Diagnostic),
}

/// What is at a path, without opening it (a pipe would block the opening).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A regular file of this many bytes, or a link to one.
    File(u64),
    Missing,
    /// Something else: says what, in words.
    Other(String),
}

/// Looks at what is at a path, following links.
pub fn look(path: &Path) -> Found {
    use std::io::ErrorKind;
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Found::File(meta.len()),
        Ok(meta) if meta.is_dir() => Found::Other("is a folder, not a file".into()),
        Ok(_) => Found::Other(
            "is not a regular file (a pipe, a socket or a device): izumi reads only files".into(),
        ),
        Err(error) => match std::fs::symlink_metadata(path) {
            Ok(link) if link.is_symlink() => Found::Other(match error.kind() {
                ErrorKind::NotFound => {
                    "is a symbolic link to nothing: its target is missing".into()
                }
                // The kind's words, not the system's message: they are the same everywhere.
                kind => format!("is a symbolic link that cannot be followed: {kind}"),
            }),
            _ if error.kind() == ErrorKind::NotFound => Found::Missing,
            _ => Found::Other(format!("cannot read file: {}", error.kind())),
        },
    }
}

/// Reads a text file of a story or the configuration, after making sure that it is a regular
/// file (a pipe would block) no bigger than `limit` bytes (`what` names such a file in the
/// message), and that it is UTF-8. A byte order mark is dropped, as editors hide it.
pub fn read_source(path: &Path, limit: u64, what: &str) -> Result<SourceFile, Unreadable> {
    use std::io::Read;
    let shown = shown_path(path);
    let failure = |message: &str| Unreadable::Problem(Diagnostic::new(&shown, None, message));
    let too_big = |size: u64| {
        failure(&format!(
            "file is too big: {}; {what} is at most {}",
            megabytes(size),
            megabytes(limit)
        ))
    };
    match look(path) {
        Found::Missing => return Err(Unreadable::Missing),
        Found::Other(message) => return Err(failure(&message)),
        Found::File(size) if size > limit => return Err(too_big(size)),
        Found::File(_) => {}
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        // A file that grows while it is read is still cut at the limit.
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|error| failure(&format!("cannot read file: {}", error.kind())))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(shown, text)),
        Err(error) => {
            // Point at the first bad byte: the text before it is good UTF-8.
            let good = error.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&error.as_bytes()[..good]).into_owned();
            let file = SourceFile::new(shown, before);
            Err(Unreadable::Problem(file.error_at(
                good..good,
                "file is not valid UTF-8 from here on (save it as UTF-8)",
            )))
        }
    }
}

/// A size in megabytes, as a message gives it.
fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10).div_ceil(1024 * 1024);
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        tenth => format!("{}.{tenth} MB", tenths / 10),
    }
}

/// A story file's text and the path to show in messages.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Where each line starts and how many characters come before each stretch of the text,
    /// found on first use, so that locating many ids in a long file (or on one huge line) does
    /// not rescan it from the top each time.
    index: OnceLock<LineIndex>,
}

/// Where lines start, and how many characters precede every `STRETCH` bytes of the text.
#[derive(Clone, Debug)]
struct LineIndex {
    starts: Vec<usize>,
    chars_before: Vec<usize>,
}

/// The bytes between two character counts kept by a `LineIndex`.
const STRETCH: usize = 256;

/// The characters in a run of UTF-8 bytes: every byte that does not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut chars_before = vec![0];
        for stretch in text.as_bytes().chunks(STRETCH) {
            let last = chars_before[chars_before.len() - 1];
            chars_before.push(last + count_chars(stretch));
        }
        Self {
            starts: std::iter::once(0)
                .chain(text.match_indices('\n').map(|(at, _)| at + 1))
                .collect(),
            chars_before,
        }
    }

    /// The characters before a byte offset.
    fn chars_to(&self, text: &str, offset: usize) -> usize {
        let stretch = offset / STRETCH;
        self.chars_before[stretch] + count_chars(&text.as_bytes()[stretch * STRETCH..offset])
    }
}

impl SourceFile {
    pub fn new(path: String, text: String) -> Self {
        Self {
            path,
            text,
            index: OnceLock::new(),
        }
    }

    /// The line and column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let index = self.index.get_or_init(|| LineIndex::new(&self.text));
        let line = index.starts.partition_point(|start| *start <= offset);
        let line_start = index.starts[line - 1];
        Position {
            line,
            column: index.chars_to(&self.text, offset) - index.chars_to(&self.text, line_start) + 1,
        }
    }

    /// A problem at the start of a span.
    pub fn error_at(&self, span: Range<usize>, message: impl AsRef<str>) -> Diagnostic {
        Diagnostic::new(
            &self.path,
            Some(self.position(span.start)),
            message.as_ref(),
        )
    }

    /// A problem with the whole file, or where it cannot be placed.
    pub fn error(&self, message: impl AsRef<str>) -> Diagnostic {
        Diagnostic::new(&self.path, None, message.as_ref())
    }
}

/// Ids and names longer than this get no "did you mean": no real one is, and comparing huge
/// strings costs time in their length squared.
const LONGEST_HINTED: usize = 100;

/// The nearest candidate to a misspelt id, if one is near enough to be a likely intent.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if wanted.len() > LONGEST_HINTED {
        return None;
    }
    candidates
        .into_iter()
        .filter(|candidate| candidate.len() <= LONGEST_HINTED)
        .map(|candidate| (strsim::jaro_winkler(wanted, candidate), candidate))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// " — did you mean "x"?" when a near candidate exists, else nothing.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, candidates)
        .map(|candidate| format!(" — did you mean \"{candidate}\"?"))
        .unwrap_or_default()
}

/// Hints for a whole load, up to a number: a story with thousands of unknown names does not
/// compare each with thousands of ids; the problems past the first few hundred go unhinted.
pub struct Hints {
    left: usize,
}

impl Default for Hints {
    fn default() -> Self {
        Self {
            left: SHOWN_PROBLEMS,
        }
    }
}

impl Hints {
    /// [`closest`], while the budget lasts.
    pub fn closest<'a>(
        &mut self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        self.left = self.left.checked_sub(1)?;
        closest(wanted, candidates)
    }

    /// [`did_you_mean`], while the budget lasts.
    pub fn did_you_mean<'a>(
        &mut self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> String {
        self.closest(wanted, candidates)
            .map(|candidate| format!(" — did you mean \"{candidate}\"?"))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let file = SourceFile::new("a.toml".into(), "id = \"x\"\nname = \"Kōzō\" bad".into());
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
        let bad = file.text.find("bad").unwrap();
        assert_eq!(
            file.position(bad),
            Position {
                line: 2,
                column: 15
            }
        );
    }

    #[test]
    fn positions_on_long_lines_of_many_byte_characters_count_characters() {
        let text = format!("a\n{}x\n{}y", "é日".repeat(700), "b".repeat(1000));
        let file = SourceFile::new("a.toml".into(), text.clone());
        for (offset, _) in text.char_indices() {
            let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
            let expected = Position {
                line: text[..offset].matches('\n').count() + 1,
                column: text[line_start..offset].chars().count() + 1,
            };
            assert_eq!(file.position(offset), expected, "at byte {offset}");
        }
    }

    #[test]
    fn a_huge_message_is_cut_in_the_middle_and_escaped() {
        let wanted = format!("\u{1b}]2;{}", "x".repeat(10_000));
        let problem = Diagnostic::new(
            "a\u{9b}.toml",
            None,
            &format!("unknown character \"{wanted}\" — did you mean \"ada\"?"),
        );
        let shown = problem.to_string();
        assert!(shown.starts_with("a\\u009B.toml: unknown character \"\\u001B]2;xxx"));
        assert!(shown.ends_with("xxx\" — did you mean \"ada\"?"), "{shown}");
        assert!(shown.contains(" … "));
        assert!(shown.chars().count() < 600);
    }

    #[test]
    fn closest_prefers_the_likeliest_id() {
        let ids = ["pudin-vasilii", "izumi", "elena"];
        assert_eq!(closest("pudin", ids), Some("pudin-vasilii"));
        assert_eq!(closest("izumy", ids), Some("izumi"));
        assert_eq!(closest("stalin", ids), None);
    }
}
