//! Scene text: paragraphs, footnote and editor's-note markers, and cleaning of untrusted strings.

use std::collections::BTreeMap;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};

use super::id::{EditorNoteId, TermId};

/// What starts the label of an editor's-note marker: `[^ed:slip]` marks the note `slip`.
pub const EDITOR_NOTE_PREFIX: &str = "ed:";

/// A run of scene text: words, a glossary term as written, a footnote marker (still a number
/// until validation, which also finds the terms), or an editor's-note marker (still an id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Inline<F, E = EditorNoteId> {
    Text(String),
    Term(String, TermId),
    Footnote(F),
    EditorNote(E),
}

/// One paragraph of scene text.
pub type Paragraph<F, E = EditorNoteId> = Vec<Inline<F, E>>;

/// Which markers a text holds: scene text has footnotes and editor's notes; presenter notes
/// have only editor's notes (anything else there is text, as written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markers {
    FootnotesAndEditorNotes,
    EditorNotes,
}

/// What a marker's label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label<'a> {
    /// `[^12]`: footnote 12.
    Footnote(u32),
    /// `[^ed:slip]`: the editor's note `slip`.
    EditorNote(&'a str),
    /// Anything else.
    Other,
}

impl Label<'_> {
    /// What the label of a marker `[^label]` names.
    pub fn of(label: &str) -> Label<'_> {
        if let Some(id) = label.strip_prefix(EDITOR_NOTE_PREFIX) {
            Label::EditorNote(id)
        } else if let Ok(number) = label.parse() {
            Label::Footnote(number)
        } else {
            Label::Other
        }
    }
}

/// The editor's notes marked in paragraphs, each once, in order of first use.
pub fn editor_notes_in<'a, F: 'a>(
    paragraphs: impl IntoIterator<Item = &'a Paragraph<F>>,
) -> Vec<EditorNoteId> {
    let mut found = Vec::new();
    for inline in paragraphs.into_iter().flatten() {
        if let Inline::EditorNote(id) = inline
            && !found.contains(id)
        {
            found.push(*id);
        }
    }
    found
}

/// A footnote marker `[^label]` as written, with its byte offset in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker<'a> {
    pub label: &'a str,
    pub offset: usize,
}

/// Every footnote marker in the text, in order, numeric or not.
pub fn markers(text: &str) -> Vec<Marker<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("[^") {
        let start = from + open;
        let Some(close) = text[start..].find(']') else {
            break;
        };
        found.push(Marker {
            label: &text[start + 2..start + close],
            offset: start,
        });
        from = start + close + 1;
    }
    found
}

/// Splits text into paragraphs at blank lines, joins each paragraph's lines with single spaces,
/// and turns numeric markers `[^N]` into footnotes and `[^ed:ID]` into editor's notes. Other
/// markers stay as text; validation reports them.
pub fn parse_paragraphs(text: &str) -> Vec<Paragraph<u32, String>> {
    parse(text, Markers::FootnotesAndEditorNotes)
}

/// Splits text into paragraphs as [`parse_paragraphs`] does, with the markers `markers` says.
pub fn parse(text: &str, markers: Markers) -> Vec<Paragraph<u32, String>> {
    let mut paragraphs = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if !line.trim().is_empty() {
            lines.push(line);
        } else if !lines.is_empty() {
            let joined = lines
                .iter()
                .flat_map(|l| l.split_whitespace())
                .collect::<Vec<_>>();
            paragraphs.push(split_markers(&joined.join(" "), markers));
            lines.clear();
        }
    }
    paragraphs
}

fn split_markers(text: &str, which: Markers) -> Paragraph<u32, String> {
    let mut inlines = Vec::new();
    let mut rest_start = 0;
    for marker in markers(text) {
        let inline = match Label::of(marker.label) {
            Label::EditorNote(id) => Inline::EditorNote(id.to_owned()),
            Label::Footnote(number) if which == Markers::FootnotesAndEditorNotes => {
                Inline::Footnote(number)
            }
            Label::Footnote(_) | Label::Other => continue,
        };
        if marker.offset > rest_start {
            inlines.push(Inline::Text(text[rest_start..marker.offset].to_owned()));
        }
        inlines.push(inline);
        rest_start = marker.offset + marker.label.len() + 3;
    }
    if rest_start < text.len() {
        inlines.push(Inline::Text(text[rest_start..].to_owned()));
    }
    inlines
}

/// Text on one line: the story's wrapped TOML strings keep their line breaks, which a page or a
/// one-line entry does not want.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A citation's or a footnote note's text with its titles marked: books, journals and newspapers
/// are written between asterisks, `*The Rastvorov Affair*`, where the article sets them in
/// italics. Returns the text without the asterisks and the titles, in order; or what is wrong:
/// an asterisk left open, or a title with nothing in it. (An asterisk cannot be written as
/// itself: no reference needs one.)
pub fn unmark_titles(marked: &str) -> Result<(String, Vec<String>), String> {
    if !marked.contains('*') {
        return Ok((marked.to_owned(), Vec::new()));
    }
    let mut plain = String::with_capacity(marked.len());
    let mut titles = Vec::new();
    for (index, piece) in marked.split('*').enumerate() {
        if index % 2 == 1 {
            let title = one_line(piece);
            if title.is_empty() {
                return Err("a title between `*` and `*` is empty".to_owned());
            }
            titles.push(title);
        }
        plain.push_str(piece);
    }
    if marked.matches('*').count() % 2 == 1 {
        return Err(
            "a title's `*` is never closed (write titles as `*Title*`; see story/README.md)"
                .to_owned(),
        );
    }
    Ok((plain, titles))
}

/// Text cut where the given titles occur: `(piece, is_a_title)` in order, all pieces together
/// the whole text. A title is found as a whole run of words; where titles overlap the longest
/// wins.
pub fn split_titles<'a>(text: &'a str, titles: &[String]) -> Vec<(&'a str, bool)> {
    let forms = TermForms::new(titles.iter().map(|title| (title.clone(), ())));
    let mut pieces = Vec::new();
    let mut at = 0;
    for (start, end, ()) in forms.find(text) {
        // Titles are matched ignoring ASCII case; only the exact title is set as one.
        if !titles.iter().any(|title| title == &text[start..end]) {
            continue;
        }
        if at < start {
            pieces.push((&text[at..start], false));
        }
        pieces.push((&text[start..end], true));
        at = end;
    }
    if at < text.len() || pieces.is_empty() {
        pieces.push((&text[at..], false));
    }
    pieces
}

/// Glossary forms prepared for matching in one pass over a text, whatever their number.
#[derive(Clone, Debug)]
pub struct TermForms<T> {
    /// One pattern per form, ASCII case ignored; pattern `i` belongs to `owners[i]`.
    matcher: Option<AhoCorasick>,
    owners: Vec<T>,
}

impl<T> Default for TermForms<T> {
    fn default() -> Self {
        Self {
            matcher: None,
            owners: Vec::new(),
        }
    }
}

/// The longest glossary term or alias, in characters: a longer one is a problem in the story,
/// and never matched (a pattern of hundreds of thousands of bytes made matching crawl).
pub const LONGEST_TERM: usize = 200;

impl<T: Copy> TermForms<T> {
    pub fn new(forms: impl IntoIterator<Item = (String, T)>) -> Self {
        let (patterns, owners): (Vec<String>, Vec<T>) = forms
            .into_iter()
            .filter(|(form, _)| !form.is_empty() && form.len() <= 4 * LONGEST_TERM)
            .unzip();
        let matcher = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .ok();
        Self { matcher, owners }
    }

    /// Where the forms occur in a text: `(start, end, owner)` byte ranges, in order and not
    /// overlapping. A form matches whole words only, ignoring ASCII case; where forms overlap the
    /// longest wins.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, T)> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let is_word_edge = |before: Option<char>, after: Option<char>| {
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        };
        let mut candidates: Vec<(usize, usize, T)> = matcher
            .find_overlapping_iter(text)
            .filter(|m| {
                is_word_edge(
                    text[..m.start()].chars().next_back(),
                    text[m.end()..].chars().next(),
                )
            })
            .map(|m| (m.start(), m.end(), self.owners[m.pattern().as_usize()]))
            .collect();
        // Longest first, then leftmost: each candidate is kept unless a kept one overlaps it.
        // The kept ones are held by start in a tree, so that a text with many matches of
        // forms of many lengths is not shuffled along a vector for each.
        candidates.sort_by_key(|&(start, end, _)| (std::cmp::Reverse(end - start), start));
        let mut found: BTreeMap<usize, (usize, T)> = BTreeMap::new();
        for (start, end, owner) in candidates {
            let clear_before = found
                .range(..=start)
                .next_back()
                .is_none_or(|(_, &(kept_end, _))| kept_end <= start);
            let clear_after = found
                .range(start..)
                .next()
                .is_none_or(|(&kept_start, _)| end <= kept_start);
            if clear_before && clear_after {
                found.insert(start, (end, owner));
            }
        }
        found
            .into_iter()
            .map(|(start, (end, owner))| (start, end, owner))
            .collect()
    }
}

/// Removes what must never reach a terminal: control characters (but newlines), escape sequences'
/// introducers and bidirectional overrides. Tabs become spaces.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(is_unsafe) && !text.contains('\t') {
        return text.to_owned();
    }
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if is_unsafe(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Text for a one-line message on a terminal (a problem, a file name, a key): what `sanitize`
/// would remove is shown as an escape instead (`\u001B`), and so are newlines and tabs (`\n`,
/// `\t`), so that the author sees what is there and the terminal does not act on it. Escaping
/// what is already escaped changes nothing.
pub fn escape(text: &str) -> String {
    let needs = |c: char| is_unsafe(c) || c == '\n' || c == '\t';
    if !text.chars().any(needs) {
        return text.to_owned();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\t' => escaped.push_str("\\t"),
            c if needs(c) => escaped.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => escaped.push(c),
        }
    }
    escaped
}

pub(crate) fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline<u32, String> {
        Inline::Text(s.into())
    }

    #[test]
    fn titles_between_asterisks_are_unmarked_and_listed() {
        let (plain, titles) =
            unmark_titles("Motov-1 and *The Rastvorov Affair* p.306; *Gekkan\n  Roshiya* 1/6")
                .unwrap();
        assert_eq!(
            plain,
            "Motov-1 and The Rastvorov Affair p.306; Gekkan\n  Roshiya 1/6"
        );
        assert_eq!(titles, ["The Rastvorov Affair", "Gekkan Roshiya"]);
        assert_eq!(
            unmark_titles("no titles").unwrap(),
            ("no titles".to_owned(), vec![])
        );
        assert!(unmark_titles("*open").unwrap_err().contains("never closed"));
        assert!(
            unmark_titles("*a* and *b")
                .unwrap_err()
                .contains("never closed")
        );
        assert!(unmark_titles("an ** empty").unwrap_err().contains("empty"));
        assert!(unmark_titles("* *").unwrap_err().contains("empty"));
    }

    #[test]
    fn titles_are_found_again_in_the_plain_text() {
        let titles = ["The Rastvorov Affair".to_owned(), "Affair".to_owned()];
        assert_eq!(
            split_titles("See The Rastvorov Affair, p.3; the affair.", &titles),
            [
                ("See ", false),
                ("The Rastvorov Affair", true),
                (", p.3; the affair.", false)
            ]
        );
        assert_eq!(split_titles("", &titles), [("", false)]);
        assert_eq!(split_titles("plain", &[]), [("plain", false)]);
    }

    #[test]
    fn lines_join_and_blank_lines_split_paragraphs() {
        let paragraphs = parse_paragraphs("One\ntwo  three.\n \n\n  Four.\n");
        assert_eq!(
            paragraphs,
            vec![vec![text("One two three.")], vec![text("Four.")]]
        );
    }

    #[test]
    fn markers_become_footnotes_between_text_runs() {
        let paragraphs = parse_paragraphs("Born 1890.[^4] Then\nRiga.[^5]");
        assert_eq!(
            paragraphs,
            vec![vec![
                text("Born 1890."),
                Inline::Footnote(4),
                text(" Then Riga."),
                Inline::Footnote(5),
            ]]
        );
    }

    #[test]
    fn non_numeric_markers_stay_text() {
        assert_eq!(parse_paragraphs("A[^x]"), vec![vec![text("A[^x]")]]);
    }

    #[test]
    fn ed_markers_become_editor_notes_beside_footnotes() {
        assert_eq!(
            parse_paragraphs("In 1931.[^4][^ed:slip] Then."),
            vec![vec![
                text("In 1931."),
                Inline::Footnote(4),
                Inline::EditorNote("slip".into()),
                text(" Then."),
            ]]
        );
    }

    #[test]
    fn presenter_notes_mark_only_editor_notes() {
        assert_eq!(
            parse("Ask why.[^3] See[^ed:slip].", Markers::EditorNotes),
            vec![vec![
                text("Ask why.[^3] See"),
                Inline::EditorNote("slip".into()),
                text("."),
            ]]
        );
    }

    #[test]
    fn labels_name_footnotes_editor_notes_or_nothing() {
        assert_eq!(Label::of("12"), Label::Footnote(12));
        assert_eq!(Label::of("ed:slip"), Label::EditorNote("slip"));
        assert_eq!(Label::of("ed:"), Label::EditorNote(""));
        assert_eq!(Label::of("x"), Label::Other);
        assert_eq!(Label::of("ED:slip"), Label::Other);
    }

    #[test]
    fn editor_notes_are_listed_once_in_order_of_first_use() {
        let (a, b) = (EditorNoteId(0), EditorNoteId(1));
        let paragraphs: Vec<Paragraph<u32>> = vec![
            vec![Inline::EditorNote(b), text_id("x"), Inline::EditorNote(a)],
            vec![Inline::EditorNote(b)],
        ];
        assert_eq!(editor_notes_in(&paragraphs), [b, a]);
    }

    fn text_id(s: &str) -> Inline<u32> {
        Inline::Text(s.into())
    }

    #[test]
    fn markers_are_found_with_offsets() {
        let found = markers("a[^1] b[^x]");
        assert_eq!(
            found,
            vec![
                Marker {
                    label: "1",
                    offset: 1
                },
                Marker {
                    label: "x",
                    offset: 7
                }
            ]
        );
    }

    #[test]
    fn terms_match_whole_words_ignoring_case_longest_first() {
        let forms = TermForms::new(
            ["code book", "code books", "OGPU", "key"]
                .into_iter()
                .enumerate()
                .map(|(i, f)| (f.to_owned(), i)),
        );
        let text = "The OGPU wanted the Code Books and a keyring, not the key.";
        let found: Vec<&str> = forms
            .find(text)
            .into_iter()
            .map(|(s, e, _)| &text[s..e])
            .collect();
        assert_eq!(found, ["OGPU", "Code Books", "key"]);
    }

    #[test]
    fn sanitize_strips_escapes_and_bidi_overrides() {
        assert_eq!(sanitize("a\x1b[31mb\u{202E}c\td\n"), "a[31mbc d\n");
        assert_eq!(sanitize("Kōzō"), "Kōzō");
    }

    #[test]
    fn escape_shows_what_sanitize_removes_and_is_idempotent() {
        let escaped = escape("a\x1b]2;x\x07b\u{9b}c\u{202E}d\ne\tf Kōzō");
        assert_eq!(escaped, "a\\u001B]2;x\\u0007b\\u009Bc\\u202Ed\\ne\\tf Kōzō");
        assert_eq!(escape(&escaped), escaped);
        assert!(!escaped.chars().any(|c| c.is_control()));
    }
}
