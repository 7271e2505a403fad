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

impl Diagnostic {
    /// A problem at a path, at a position if there is one. Whatever a terminal could act on
    /// (control characters, escape sequences' introducers, bidirectional controls, newlines) is
    /// shown as an escape like `\u001B`, so that it stays one line that does nothing to the
    /// terminal.
    pub fn new(path: &str, position: Option<Position>, message: &str) -> Self {
        Self {
            path: escape(path),
            position,
            message: escape(message),
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

/// Every problem that stopped a story from loading.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct StoryErrors {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for StoryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
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
    /// Where each line starts, found on first use, so that locating many ids in a long file
    /// does not rescan it from the top each time.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> Self {
        Self {
            path,
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// The line and column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.text.floor_char_boundary(offset.min(self.text.len()));
        let line_starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(at, _)| at + 1))
                .collect()
        });
        let line = line_starts.partition_point(|start| *start <= offset);
        let line_start = line_starts[line - 1];
        Position {
            line,
            column: self.text[line_start..offset].chars().count() + 1,
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

/// The nearest candidate to a misspelt id, if one is near enough to be a likely intent.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
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
    fn closest_prefers_the_likeliest_id() {
        let ids = ["pudin-vasilii", "izumi", "elena"];
        assert_eq!(closest("pudin", ids), Some("pudin-vasilii"));
        assert_eq!(closest("izumy", ids), Some("izumi"));
        assert_eq!(closest("stalin", ids), None);
    }
}
