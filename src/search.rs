//! Finding text anywhere in a story: scene titles and text, people's names, other spellings,
//! hedged identifications and biographies, footnotes, editor's notes and the glossary. Matching ignores case and
//! diacritics, so `toyo` finds Tōyō and `pudin` finds Pudín; other spellings are searched too, so
//! `beria` finds Beriia, and a name that only probably refers to someone finds them, labelled
//! "probably".

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::story::{
    Certainty, CharacterId, EditorNoteId, FootnoteId, Inline, Reach, SceneId, Story, TermId,
};
use crate::wrap::{cells, truncate, truncate_start};

/// How many hits a list shows; more than this and the reader should type on to narrow them.
pub const LISTED: usize = 200;

/// What a hit belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Scene(SceneId),
    Character(CharacterId),
    Footnote(FootnoteId),
    EditorNote(EditorNoteId),
    Term(TermId),
}

impl Target {
    /// What kind of thing it is, in one word: the same in the search box and `izumi search`.
    pub fn kind(self) -> &'static str {
        match self {
            Target::Scene(_) => "scene",
            Target::Character(_) => "person",
            Target::Footnote(_) => "footnote",
            Target::EditorNote(_) => "ed. note",
            Target::Term(_) => "term",
        }
    }

    /// Its name: a scene's title, a person's name, `[12]` for a footnote, `[ed.1]` for an
    /// editor's note, a term.
    pub fn name(self, story: &Story) -> String {
        match self {
            Target::Scene(id) => story.scene(id).title.clone(),
            Target::Character(id) => story.character(id).name.clone(),
            Target::Footnote(id) => format!("[{}]", story.footnote(id).number),
            Target::EditorNote(id) => story.editor_note(id).marker(),
            Target::Term(id) => story.term(id).term.clone(),
        }
    }

    /// The id that names it on the command line (a footnote's number).
    pub fn id(self, story: &Story) -> String {
        match self {
            Target::Scene(id) => story.scene(id).id.clone(),
            Target::Character(id) => story.character(id).id.clone(),
            Target::Footnote(id) => story.footnote(id).number.to_string(),
            Target::EditorNote(id) => story.editor_note(id).id.clone(),
            Target::Term(id) => story.term(id).id.clone(),
        }
    }
}

/// Which part of its target a hit is in; titles and names rank above running text, and a name
/// that only probably or possibly refers to a person ranks below the certain ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Name,
    OtherName,
    /// A hedged identification of a person, with how sure it is.
    Identified(Certainty),
    Text,
}

/// One searchable string.
#[derive(Debug)]
struct Entry {
    target: Target,
    field: Field,
    /// The string as written, for showing the hit in context.
    original: String,
    /// The string folded for matching.
    folded: String,
    /// The scene from which the story tells it, for what a part of an entry tells; `None` for
    /// what is told wherever its target is.
    told_from: Option<SceneId>,
}

/// A place where the query occurs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub target: Target,
    pub field: Field,
    entry: usize,
    /// Where the match is in the folded string.
    at: Range<usize>,
}

/// Every searchable string of a story, folded once.
#[derive(Debug)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

/// Lowercase, without diacritics: `Kōzō Pudín` → `kozo pudin`. Letters that do not decompose
/// are mapped by hand where a reader would type them plainly (`ł` → `l`, `ß` → `ss`).
pub fn fold(text: &str) -> String {
    fold_mapped(text).0
}

/// `fold`, with each folded byte's offset in the original text.
fn fold_mapped(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let before = folded.len();
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else {
            match c {
                'ł' | 'Ł' => folded.push('l'),
                'ø' | 'Ø' => folded.push('o'),
                'đ' | 'Đ' => folded.push('d'),
                'ß' => folded.push_str("ss"),
                'æ' | 'Æ' => folded.push_str("ae"),
                '‘' | '’' => folded.push('\''),
                '“' | '”' => folded.push('"'),
                '–' | '—' => folded.push('-'),
                _ => {
                    for part in c.nfd().filter(|part| !is_combining_mark(*part)) {
                        folded.extend(part.to_lowercase());
                    }
                }
            }
        }
        origin.extend(std::iter::repeat_n(at, folded.len() - before));
    }
    (folded, origin)
}

impl SearchIndex {
    pub fn new(story: &Story) -> Self {
        let mut entries = Vec::new();
        let mut add = |target, field, original: String, told_from| {
            let folded = fold(&original);
            entries.push(Entry {
                target,
                field,
                original,
                folded,
                told_from,
            });
        };

        for id in story.scene_ids() {
            let scene = story.scene(id);
            add(Target::Scene(id), Field::Name, scene.title.clone(), None);
            for paragraph in &scene.paragraphs {
                add(
                    Target::Scene(id),
                    Field::Text,
                    paragraph_text(paragraph),
                    None,
                );
            }
        }
        for (index, character) in story.characters.iter().enumerate() {
            let target = Target::Character(CharacterId(index));
            add(target, Field::Name, character.name.clone(), None);
            for other in character.aliases.iter().chain(&character.code_names) {
                add(target, Field::OtherName, other.clone(), None);
            }
            for part in &character.parts {
                for other in &part.code_names {
                    add(target, Field::OtherName, other.clone(), Some(part.from));
                }
            }
            for identification in &character.identified_as {
                let field = Field::Identified(identification.certainty);
                add(target, field, identification.name.clone(), None);
            }
            add(target, Field::Text, character.bio.clone(), None);
            for part in &character.parts {
                add(target, Field::Text, part.text.clone(), Some(part.from));
            }
        }
        for (index, footnote) in story.footnotes.iter().enumerate() {
            add(
                Target::Footnote(FootnoteId(index)),
                Field::Text,
                footnote.full_text(),
                None,
            );
        }
        for (index, note) in story.editor_notes.iter().enumerate() {
            let target = Target::EditorNote(EditorNoteId(index));
            add(target, Field::Text, note.text.clone(), None);
        }
        for (index, term) in story.terms.iter().enumerate() {
            let target = Target::Term(TermId(index));
            add(target, Field::Name, term.term.clone(), None);
            for alias in &term.aliases {
                add(target, Field::OtherName, alias.clone(), None);
            }
            let said = term.definition.iter().chain(&term.general);
            for text in said {
                add(target, Field::Text, text.clone(), None);
            }
            for part in &term.parts {
                add(target, Field::Text, part.text.clone(), Some(part.from));
            }
        }
        Self { entries }
    }

    /// Every hit of `query` in what `reach` may tell, best first: one per target (its first
    /// occurrence), names before running text, whole words before parts of words, then in
    /// story order. (Whether the targets themselves may be shown is the caller's to ask.)
    pub fn search(&self, query: &str, reach: &Reach) -> Vec<Hit> {
        let query = fold(query.trim());
        if query.is_empty() {
            return Vec::new();
        }
        let finder = memchr::memmem::Finder::new(query.as_bytes());
        let mut hits: Vec<(bool, Hit)> = Vec::new();
        for (entry_index, entry) in self.entries.iter().enumerate() {
            if entry
                .told_from
                .is_some_and(|scene| !reach.may_show_scene(scene))
            {
                continue;
            }
            let Some(start) = finder.find(entry.folded.as_bytes()) else {
                continue;
            };
            // One hit per target, at its best field: a target's entries are together, name first.
            if let Some((_, last)) = hits.last()
                && last.target == entry.target
            {
                continue;
            }
            let at = start..start + query.len();
            let word_start = entry.folded[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            hits.push((
                word_start,
                Hit {
                    target: entry.target,
                    field: entry.field,
                    entry: entry_index,
                    at,
                },
            ));
        }
        // Stable: story order stays within each rank.
        hits.sort_by_key(|(word_start, hit)| (hit.field.min(Field::Text), !word_start));
        hits.into_iter().map(|(_, hit)| hit).collect()
    }

    /// The hit in its context, about `width` display cells: the text before, the match, the text
    /// after, all as written. A hedged name says what it is: "probably ‘Sugimara’".
    pub fn context(&self, hit: &Hit, width: usize) -> (String, String, String) {
        let entry = &self.entries[hit.entry];
        let (_, origin) = fold_mapped(&entry.original);
        let start = origin.get(hit.at.start).copied().unwrap_or(0);
        let end = origin
            .get(hit.at.end)
            .copied()
            .unwrap_or(entry.original.len());
        let original = &entry.original;
        let matched = original[start..end].to_owned();
        // At most `width` display cells in all, ellipses included; the text before the match
        // gets up to half of what is left, the text after the rest.
        let left = width.saturating_sub(cells(&matched));
        let before = truncate_start(&original[..start], left / 2);
        let left = left.saturating_sub(cells(&before));
        let after = truncate(&original[end..], left);
        let one_line = |text: String| text.replace('\n', " ");
        let (before, after) = match hit.field {
            Field::Identified(certainty) => (
                format!("{} ‘{before}", certainty.adverb()),
                format!("{after}’"),
            ),
            _ => (before, after),
        };
        (one_line(before), one_line(matched), one_line(after))
    }
}

/// Where `query` occurs in `text`, as byte ranges of `text`, ignoring case and diacritics.
pub fn occurrences(text: &str, query: &str) -> Vec<Range<usize>> {
    let query = fold(query.trim());
    if query.is_empty() {
        return Vec::new();
    }
    let (folded, origin) = fold_mapped(text);
    let mut found = Vec::new();
    for (start, _) in folded.match_indices(&query) {
        let end = start + query.len();
        let from = origin[start];
        let to = origin.get(end).copied().unwrap_or(text.len());
        if found
            .last()
            .is_none_or(|last: &Range<usize>| last.end <= from)
        {
            found.push(from..to);
        }
    }
    found
}

/// A paragraph's words without its footnote markers.
fn paragraph_text(paragraph: &[Inline<FootnoteId>]) -> String {
    paragraph
        .iter()
        .filter_map(|inline| match inline {
            Inline::Text(text) | Inline::Term(text, _) => Some(text.as_str()),
            Inline::Footnote(_) | Inline::EditorNote(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_diacritics() {
        assert_eq!(fold("Kōzō Izumi"), "kozo izumi");
        assert_eq!(fold("Pudín"), "pudin");
        assert_eq!(fold("Pepłoński"), "peplonski");
        assert_eq!(fold("Tōyō"), "toyo");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn occurrences_are_found_in_the_text_as_written() {
        let text = "Tōyō and TOYO and toyota";
        let found: Vec<&str> = occurrences(text, "toyo")
            .into_iter()
            .map(|range| &text[range])
            .collect();
        assert_eq!(found, ["Tōyō", "TOYO", "toyo"]);
    }
}
