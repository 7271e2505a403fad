//! From raw files to a `Story`: unique ids, resolved references, parsed dates, footnotes cited and
//! defined, editor's notes marked, defined and numbered. Every "unknown …" and "duplicate …"
//! message is born here, located and with a hint.
//!
//! Each raw struct is taken apart with every field named (no `..`), so that a field added to
//! `raw.rs` and not handled here fails to compile instead of being silently dropped.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use toml::Spanned;

use super::date::{self, StoryDate};
use super::diagnostic::{Diagnostic, Hints, Position, SourceFile};
use super::model::{
    Certainty, Character, CharacterId, EditorNote, EditorNoteId, Episode, EpisodeId, Footnote,
    FootnoteId, Identification, Location, LocationId, Part, Passage, Question, Scene, SceneId,
    SourceShape, Story, Term, TermId,
};
use super::raw::{
    RawCharacter, RawCharacters, RawClaim, RawDate, RawDisputed, RawEditorNote, RawEditorNotes,
    RawEpisode, RawFootnote, RawFootnotes, RawGlossary, RawIdentification, RawLocation,
    RawLocations, RawNotRetold, RawPart, RawQuestion, RawScene, RawSource, RawStory, RawTerm,
    RawTermPart,
};
use super::text::{self, Inline, Label, Markers, Paragraph, TermForms, sanitize, unmark_titles};

/// Every story file that parsed, with its text for locating problems.
pub struct Parsed {
    pub story: Option<(SourceFile, RawStory)>,
    pub characters: Option<(SourceFile, RawCharacters)>,
    pub footnotes: Option<(SourceFile, RawFootnotes)>,
    /// An absent file is an empty one: a story may have no editor's notes.
    pub editor_notes: Option<(SourceFile, RawEditorNotes)>,
    pub locations: Option<(SourceFile, RawLocations)>,
    pub glossary: Option<(SourceFile, RawGlossary)>,
    pub episodes: Vec<(SourceFile, RawEpisode)>,
    /// Whether every episode file the story lists was read and parsed: if one was not, a
    /// footnote cited only there would look unused.
    pub episodes_complete: bool,
}

/// Validates parsed files into a story. Problems go to `problems`; the story is returned only
/// when every file was present and parsed, and is meaningful only if no problem was found.
pub fn build(parsed: Parsed, problems: &mut Vec<Diagnostic>) -> Option<Story> {
    let mut v = Validator {
        problems,
        cited: HashSet::new(),
        noted: HashSet::new(),
        hints: Hints::default(),
        counts: parsed
            .story
            .as_ref()
            .and_then(|(_, raw)| Counts::declared(raw.source.get_ref())),
        carried: HashMap::new(),
    };

    let characters = parsed
        .characters
        .as_ref()
        .map(|(file, raw)| v.characters(file, raw));
    let footnotes = parsed
        .footnotes
        .as_ref()
        .map(|(file, raw)| v.footnotes(file, raw));
    let editor_notes = parsed
        .editor_notes
        .as_ref()
        .map(|(file, raw)| v.editor_notes(file, raw));
    let locations = parsed
        .locations
        .as_ref()
        .map(|(file, raw)| v.locations(file, raw));
    let terms = parsed
        .glossary
        .as_ref()
        .map(|(file, raw)| v.terms(file, raw));

    let (characters, character_ids) = characters.unzip();
    let (footnotes, footnote_numbers) = footnotes.unzip();
    let (editor_notes, editor_note_ids) = editor_notes.unzip();
    let (locations, location_ids) = locations.unzip();
    let refs = References {
        characters: character_ids.as_ref(),
        footnotes: footnote_numbers.as_ref(),
        editor_notes: editor_note_ids.as_ref(),
        locations: location_ids.as_ref(),
    };

    let mut episode_ids = IdTable::new("episode");
    let mut scene_ids = IdTable::new("scene");
    let mut question_ids = IdTable::new("question");
    let mut episodes = Vec::new();
    let mut scenes = Vec::new();
    for (file, raw) in &parsed.episodes {
        let RawEpisode {
            id,
            title,
            location,
            period,
            scene: raw_scenes,
        } = raw;
        let episode = EpisodeId(episodes.len());
        episode_ids.insert(&mut v, file, id);
        let first_scene = scenes.len();
        if raw_scenes.is_empty() {
            v.error(file, id.span(), "this episode has no scenes (`[[scene]]`)");
        }
        let location = v.resolve(file, location, refs.locations);
        let period_at = period.span();
        let period = v.date(file, period);
        for scene in raw_scenes {
            scene_ids.insert(&mut v, file, &scene.id);
            let built = v.scene(file, scene, episode, &refs, &mut question_ids);
            if let (Some(built), Some(period)) = (&built, &period) {
                let at = file.position(scene.id.span().start).line;
                v.check_period_covers(file, period_at.clone(), id.get_ref(), period, built, at);
            }
            scenes.extend(built);
        }
        if let (Some(location), Some(period)) = (location, period) {
            episodes.push(Episode {
                id: sanitize(id.get_ref()),
                title: sanitize(title),
                location: LocationId(location),
                period,
                scenes: first_scene..scenes.len(),
            });
        }
    }

    if let Some((file, raw)) = &parsed.footnotes
        && parsed.episodes_complete
    {
        v.check_every_footnote_cited(file, raw);
    }
    if let Some((file, raw)) = &parsed.editor_notes
        && parsed.episodes_complete
    {
        v.check_every_editor_note_used(file, raw);
    }

    let (story_file, raw_story) = parsed.story.as_ref()?;
    let RawStory {
        title,
        subtitle,
        authors,
        // The loader has read the episode files it lists.
        episodes: _,
        source: raw_source,
    } = raw_story;
    let RawSource {
        citation,
        // Read into `v.counts` before anything else.
        paragraphs,
        footnotes: footnote_count,
        not_retold: _,
    } = raw_source.get_ref();
    let (source, source_titles) = v.titled(story_file, citation);
    let mut too_many = false;
    for count in [paragraphs, footnote_count].into_iter().flatten() {
        if *count.get_ref() > MOST_PASSAGES {
            too_many = true;
            v.error(
                story_file,
                count.span(),
                format!(
                    "{} passages: the coverage check counts at most {MOST_PASSAGES} paragraphs \
                     and as many footnotes",
                    count.get_ref()
                ),
            );
        }
    }
    if let (None, Some(count)) = (v.counts, footnote_count) {
        v.error(
            story_file,
            count.span(),
            "`footnotes` is given without `paragraphs`: the coverage check counts the work's \
             paragraphs and footnotes together, so give both or neither",
        );
    }
    let not_retold = v.not_retold(story_file, raw_source.get_ref());
    let source_shape = v.counts.map(|counts| SourceShape {
        paragraphs: counts.paragraphs,
        footnotes: counts.footnotes,
        not_retold: not_retold
            .iter()
            .map(|(passage, why, _)| (passage.to_string(), why.clone()))
            .collect(),
    });
    let (mut characters, footnotes, locations, mut terms) =
        (characters?, footnotes?, locations?, terms?);
    let editor_notes = number_editor_notes(editor_notes?, &mut scenes);
    let route = route(&scenes);
    // Glossary terms are found in the text once, here, rather than on every frame.
    let forms = TermForms::new(terms.iter().enumerate().flat_map(|(index, term)| {
        term.forms()
            .map(move |form| (form.to_owned(), TermId(index)))
    }));
    for scene in &mut scenes {
        for paragraph in &mut scene.paragraphs {
            *paragraph = mark_terms(&forms, std::mem::take(paragraph));
        }
        scene.terms = terms_used(&scene.paragraphs);
    }
    // A part's scene is unknown only if every episode file was read: else it may be in the
    // one that was not.
    if let Some((file, raw)) = &parsed.characters
        && parsed.episodes_complete
    {
        v.unfold_people(file, raw, &mut characters, &scenes, &scene_ids);
    }
    if let Some((file, raw)) = &parsed.glossary
        && parsed.episodes_complete
    {
        v.unfold_terms(file, raw, &mut terms, &scenes, &scene_ids);
    }
    // Whether every passage is carried can be told only once every file was read.
    if let Some(counts) = v.counts
        && !too_many
        && parsed.episodes_complete
        && parsed.characters.is_some()
        && parsed.glossary.is_some()
    {
        let citing = |number: u32| {
            scenes.iter().find(|scene| {
                scene
                    .footnotes
                    .iter()
                    .any(|id| footnotes.get(id.index()).map(|f| f.number) == Some(number))
            })
        };
        v.check_coverage(story_file, raw_source.span(), counts, &not_retold, citing);
    }
    let story = Story {
        title: sanitize(title),
        subtitle: subtitle.as_deref().map(sanitize),
        authors: authors.iter().map(|a| sanitize(a)).collect(),
        source,
        source_titles,
        episodes,
        scenes,
        characters,
        footnotes,
        editor_notes,
        locations,
        terms,
        route,
        fingerprint: String::new(),
        source_shape,
    };
    Some(story)
}

/// How many paragraphs and footnotes story.toml says the work has: given, every `sources` list
/// is checked against them and every passage must be carried or said not to be retold.
#[derive(Clone, Copy, Debug)]
struct Counts {
    paragraphs: u32,
    footnotes: u32,
}

impl Counts {
    /// The counts, if `[source]` gives `paragraphs` (a work without footnotes gives none).
    fn declared(source: &RawSource) -> Option<Self> {
        source.paragraphs.as_ref().map(|paragraphs| Self {
            paragraphs: *paragraphs.get_ref(),
            footnotes: source.footnotes.as_ref().map_or(0, |n| *n.get_ref()),
        })
    }

    /// Why `passage` is not in the work, if it is not.
    fn outside(self, passage: Passage) -> Option<String> {
        let (count, kind, first) = match passage {
            Passage::Paragraph(_) => (self.paragraphs, "paragraphs", Passage::Paragraph(1)),
            Passage::Footnote(_) => (self.footnotes, "footnotes", Passage::Footnote(1)),
        };
        if passage.number() <= count {
            None
        } else if count == 0 {
            Some(format!("story.toml's [source] declares no {kind}"))
        } else {
            let last = match passage {
                Passage::Paragraph(_) => Passage::Paragraph(count),
                Passage::Footnote(_) => Passage::Footnote(count),
            };
            Some(format!(
                "story.toml's [source] declares {count} {kind} ({first} to {last})"
            ))
        }
    }
}

/// Which kind of text a message names first when several carry a passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Scene,
    Entry,
    Part,
    Note,
}

/// The most paragraphs, and the most footnotes, a work's shape may declare: the coverage check
/// walks every one, and a larger count is a typo (or an attack), not an article.
pub const MOST_PASSAGES: u32 = 100_000;

/// Who must say what a text rests on, and where to say that it does not.
struct Owner {
    /// `scene "arrival"`, `the bio of character "ada"`: how messages and the coverage name it.
    what: String,
    rank: Rank,
    /// Where a missing `sources` list is reported.
    at: Range<usize>,
    /// Whether the text needs `sources` when the story declares its source's shape.
    needs_sources: bool,
}

/// An entry whose parts are being tied to scenes: what it is, and where its telling starts.
struct Entry<'e> {
    kind: &'static str,
    id: &'e str,
    /// "Ada Lind's first scene": how a message names where the entry starts.
    whose: String,
    first: Option<usize>,
}

/// What every part says, whoever it belongs to.
struct TellingOf<'r> {
    from: &'r Spanned<String>,
    text: &'r str,
    sources: &'r [Spanned<String>],
}

/// The word a note may not lean on, in any case: "glossary", "glossaries".
const GLOSSARY_WORD: &str = "glossar";

/// Where `word` (ASCII, lowercase) first occurs in `text`, ignoring ASCII case.
fn find_ignoring_case(text: &str, word: &str) -> Option<usize> {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    text.windows(word.len())
        .position(|window| window.eq_ignore_ascii_case(word))
}

/// A text that says something, trimmed and cleaned, or nothing.
fn nonblank(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(sanitize)
}

/// Numbers the editor's notes in the order the story first marks them, scene text before
/// presenter notes, so that a reader meets them as ed.1, ed.2 and so on: returns them in that
/// order, and renumbers the scenes' markers (which until now held positions in the file). A note
/// marked nowhere, already reported, goes last.
fn number_editor_notes(notes: Vec<EditorNote>, scenes: &mut [Scene]) -> Vec<EditorNote> {
    let in_text = scenes.iter().flat_map(|scene| scene.editor_notes.clone());
    let in_notes = scenes.iter().flat_map(|scene| {
        let explained = scene.questions.iter().flat_map(|q| q.explain.iter());
        text::editor_notes_in(scene.notes.iter().flatten().chain(explained))
    });
    let mut placed = vec![false; notes.len()];
    let mut order: Vec<usize> = Vec::with_capacity(notes.len());
    for position in in_text
        .chain(in_notes)
        .map(EditorNoteId::index)
        .chain(0..notes.len())
    {
        if !std::mem::replace(&mut placed[position], true) {
            order.push(position);
        }
    }
    let mut rank = vec![0; notes.len()];
    for (new, old) in order.iter().enumerate() {
        rank[*old] = new;
    }
    let renumber = |id: &mut EditorNoteId| *id = EditorNoteId(rank[id.0]);
    for scene in scenes.iter_mut() {
        scene.editor_notes.iter_mut().for_each(renumber);
        let inlines = scene
            .paragraphs
            .iter_mut()
            .chain(scene.notes.iter_mut().flatten())
            .chain(
                scene
                    .questions
                    .iter_mut()
                    .flat_map(|q| q.explain.iter_mut()),
            );
        for inline in inlines.flatten() {
            if let Inline::EditorNote(id) = inline {
                renumber(id);
            }
        }
    }
    let mut notes: Vec<Option<EditorNote>> = notes.into_iter().map(Some).collect();
    order
        .iter()
        .zip(1..)
        .filter_map(|(old, number)| notes[*old].take().map(|note| EditorNote { number, ..note }))
        .collect()
}

/// The glossary terms a scene's text uses, each once, in order of first use.
fn terms_used(paragraphs: &[Paragraph<FootnoteId>]) -> Vec<TermId> {
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    for inline in paragraphs.iter().flatten() {
        if let Inline::Term(_, term) = inline
            && seen.insert(*term)
        {
            terms.push(*term);
        }
    }
    terms
}

/// A paragraph with the glossary terms in its text runs made into `Inline::Term`s.
fn mark_terms(
    forms: &TermForms<TermId>,
    paragraph: Paragraph<FootnoteId>,
) -> Paragraph<FootnoteId> {
    let mut marked = Vec::with_capacity(paragraph.len());
    for inline in paragraph {
        let Inline::Text(text) = inline else {
            marked.push(inline);
            continue;
        };
        let mut from = 0;
        for (start, end, term) in forms.find(&text) {
            if start > from {
                marked.push(Inline::Text(text[from..start].to_owned()));
            }
            marked.push(Inline::Term(text[start..end].to_owned(), term));
            from = end;
        }
        if from < text.len() {
            marked.push(Inline::Text(text[from..].to_owned()));
        }
    }
    marked
}

/// The lookup tables a scene's references resolve against; `None` where the file defining them
/// could not be read, so that one missing file does not bury its own message under echoes.
struct References<'a> {
    characters: Option<&'a IdTable>,
    footnotes: Option<&'a HashMap<u32, FootnoteId>>,
    editor_notes: Option<&'a IdTable>,
    locations: Option<&'a IdTable>,
}

/// Ids of one kind, with where each was first defined, to report duplicates and resolve
/// references.
#[derive(Default)]
struct IdTable {
    kind: &'static str,
    index: HashMap<String, (usize, String, Position)>,
    order: Vec<String>,
}

impl IdTable {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            ..Self::default()
        }
    }

    /// Records an id; reports it if it is malformed or already taken.
    fn insert(&mut self, v: &mut Validator, file: &SourceFile, id: &Spanned<String>) {
        let name = id.get_ref();
        let length = name.chars().count();
        if length > LONGEST_ID {
            v.error(
                file,
                id.span(),
                format!(
                    "{} id of {length} characters; an id is at most {LONGEST_ID}",
                    self.kind
                ),
            );
            return;
        }
        if !is_valid_id(name) {
            v.error(
                file,
                id.span(),
                format!(
                    "{} id \"{name}\" must be lowercase letters and digits in words joined by \
                     single hyphens, like \"elena-perskaia\"",
                    self.kind
                ),
            );
        }
        let position = file.position(id.span().start);
        if let Some((_, path, first)) = self.index.get(name) {
            let place = if *path == file.path {
                format!("line {}", first.line)
            } else {
                format!("{path}:{}:{}", first.line, first.column)
            };
            v.error(
                file,
                id.span(),
                format!(
                    "duplicate {} id \"{name}\" (first defined at {place})",
                    self.kind
                ),
            );
            return;
        }
        self.index.insert(
            name.clone(),
            (self.order.len(), file.path.clone(), position),
        );
        self.order.push(name.clone());
    }

    fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).map(|(index, _, _)| *index)
    }
}

/// The longest id, in characters: ids are names to type and to read in messages, and a longer one
/// would only fill every message that quotes it.
pub const LONGEST_ID: usize = 64;

/// Whether `id` is a valid id: lowercase ASCII letters and digits, in words joined by single
/// hyphens (`elena-perskaia`, `1941`), so no empty word: no leading, trailing or doubled hyphen.
/// The schema's pattern, `raw::ID_PATTERN`, says the same; `tests/schema.rs` checks that they agree.
pub fn is_valid_id(id: &str) -> bool {
    id.split('-').all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

struct Validator<'p> {
    problems: &'p mut Vec<Diagnostic>,
    /// Footnote numbers marked in any scene's text, counted even in scenes that fail validation,
    /// so that one bad scene does not make its footnotes look unused.
    cited: HashSet<u32>,
    /// Editor's notes marked in any scene's text or presenter notes, likewise.
    noted: HashSet<String>,
    /// "Did you mean" for the first few hundred unknown names.
    hints: Hints,
    /// The work's shape, if story.toml declares it.
    counts: Option<Counts>,
    /// A text that carries each passage of the work by its `sources` (a scene rather than an
    /// entry, an entry rather than a note, else the first found), counted even in texts that
    /// fail validation.
    carried: HashMap<Passage, (Rank, String)>,
}

impl Validator<'_> {
    fn error(&mut self, file: &SourceFile, span: Range<usize>, message: impl AsRef<str>) {
        self.problems.push(file.error_at(span, message));
    }

    /// A text that may mark titles (`*Title*`), trimmed and cleaned: the plain text and its
    /// titles. A broken mark is a problem at the text, and the text is kept as written.
    fn titled(&mut self, file: &SourceFile, text: &Spanned<String>) -> (String, Vec<String>) {
        let clean = sanitize(text.get_ref().trim());
        match unmark_titles(&clean) {
            Ok(titled) => titled,
            Err(problem) => {
                self.error(file, text.span(), problem);
                (clean, Vec::new())
            }
        }
    }

    fn characters(&mut self, file: &SourceFile, raw: &RawCharacters) -> (Vec<Character>, IdTable) {
        let mut ids = IdTable::new("character");
        let mut characters = Vec::new();
        let RawCharacters { character } = raw;
        for RawCharacter {
            id,
            name,
            aliases,
            identified_as,
            born,
            died,
            role,
            code_names,
            bio,
            sources,
            // Parts are tied to scenes, resolved by `unfold` once the scenes are known.
            part: _,
        } in character
        {
            ids.insert(self, file, id);
            let born = born.as_ref().and_then(|d| self.text_date(file, d));
            let died = died.as_ref().and_then(|d| self.text_date(file, d));
            let identified_as = self.identifications(file, name, aliases, identified_as);
            let owner = Owner {
                what: format!("the bio of character \"{}\"", id.get_ref()),
                rank: Rank::Entry,
                at: id.span(),
                needs_sources: true,
            };
            let sources = self.sources(file, sources, &owner);
            characters.push(Character {
                id: sanitize(id.get_ref()),
                name: sanitize(name),
                aliases: aliases.iter().map(|a| sanitize(a)).collect(),
                identified_as,
                born,
                died,
                role: sanitize(role),
                code_names: code_names.iter().map(|c| sanitize(c)).collect(),
                bio: sanitize(bio.trim()),
                sources,
                parts: Vec::new(),
            });
        }
        (characters, ids)
    }

    /// A person's hedged names, each with a name that is neither the person's own name, a
    /// plain alias (a name cannot be both certain and not) nor given twice, and a known
    /// certainty.
    fn identifications(
        &mut self,
        file: &SourceFile,
        own_name: &str,
        aliases: &[String],
        raw: &[RawIdentification],
    ) -> Vec<Identification> {
        let key = |text: &str| text.trim().to_lowercase();
        let aliases: HashSet<String> = aliases.iter().map(|alias| key(alias)).collect();
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        for RawIdentification {
            name,
            certainty: word,
            basis,
        } in raw
        {
            let hedged = key(name.get_ref());
            let problem = if hedged.is_empty() {
                Some("an identification needs a name: the name as the source gives it".to_owned())
            } else if hedged == key(own_name) {
                Some(format!(
                    "\"{}\" is this person's own name, not an identification",
                    name.get_ref()
                ))
            } else if aliases.contains(&hedged) {
                Some(format!(
                    "\"{}\" is also a plain alias, which says it certainly is this person: keep \
                     it in `aliases` or in `identified_as`, not both",
                    name.get_ref()
                ))
            } else if !seen.insert(hedged) {
                Some(format!(
                    "\"{}\" is identified with this person twice",
                    name.get_ref()
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                self.error(file, name.span(), problem);
            }
            let certainty = Certainty::from_word(word.get_ref());
            if certainty.is_none() {
                let word_text = word.get_ref();
                let words = Certainty::ALL.map(Certainty::word);
                let message = if word_text == "certain" {
                    "a certain identification is a plain alias: put the name in `aliases`"
                        .to_owned()
                } else {
                    let hint = self.hints.did_you_mean(word_text, words);
                    if hint.is_empty() {
                        format!(
                            "unknown certainty \"{word_text}\": write \"probable\" or \"possible\""
                        )
                    } else {
                        format!("unknown certainty \"{word_text}\"{hint}")
                    }
                };
                self.error(file, word.span(), message);
            }
            found.extend(certainty.map(|certainty| Identification {
                name: sanitize(name.get_ref().trim()),
                certainty,
                basis: basis.as_deref().map(|basis| sanitize(basis.trim())),
            }));
        }
        found
    }

    fn footnotes(
        &mut self,
        file: &SourceFile,
        raw: &RawFootnotes,
    ) -> (Vec<Footnote>, HashMap<u32, FootnoteId>) {
        let mut by_number: HashMap<u32, FootnoteId> = HashMap::new();
        let mut footnotes = Vec::new();
        let RawFootnotes { footnote } = raw;
        for RawFootnote {
            number: spanned,
            citation,
            note,
        } in footnote
        {
            let number = *spanned.get_ref();
            if by_number.contains_key(&number) {
                self.error(
                    file,
                    spanned.span(),
                    format!("duplicate footnote number {number}"),
                );
                continue;
            }
            if citation.is_none() && note.is_none() {
                self.error(
                    file,
                    spanned.span(),
                    format!("footnote {number} needs a `citation`, a `note`, or both"),
                );
            }
            by_number.insert(number, FootnoteId(footnotes.len()));
            let mut titles = Vec::new();
            let mut titled = |text: &Option<Spanned<String>>| {
                text.as_ref().map(|text| {
                    let (plain, found) = self.titled(file, text);
                    titles.extend(found);
                    plain
                })
            };
            let (citation, note) = (titled(citation), titled(note));
            footnotes.push(Footnote {
                number,
                citation,
                note,
                titles,
            });
        }
        (footnotes, by_number)
    }

    fn editor_notes(
        &mut self,
        file: &SourceFile,
        raw: &RawEditorNotes,
    ) -> (Vec<EditorNote>, IdTable) {
        let mut ids = IdTable::new("editor's note");
        let mut notes = Vec::new();
        let RawEditorNotes { note } = raw;
        for RawEditorNote { id, text, sources } in note {
            ids.insert(self, file, id);
            if text.get_ref().trim().is_empty() {
                self.error(
                    file,
                    id.span(),
                    format!("editor's note \"{}\" needs a `text`", id.get_ref()),
                );
            }
            self.check_note_stands_on_its_own(file, id.get_ref(), text);
            let owner = Owner {
                what: format!("editor's note \"{}\"", id.get_ref()),
                rank: Rank::Note,
                at: id.span(),
                needs_sources: false,
            };
            notes.push(EditorNote {
                id: sanitize(id.get_ref()),
                // Numbered once the story's order of use is known.
                number: 0,
                text: sanitize(text.get_ref().trim()),
                sources: self.sources(file, sources, &owner),
            });
        }
        (notes, ids)
    }

    fn locations(&mut self, file: &SourceFile, raw: &RawLocations) -> (Vec<Location>, IdTable) {
        let mut ids = IdTable::new("location");
        let mut locations = Vec::new();
        let RawLocations { location } = raw;
        for RawLocation {
            id,
            name,
            modern_name,
            country,
            lat: spanned_lat,
            lon: spanned_lon,
        } in location
        {
            ids.insert(self, file, id);
            let (lat, lon) = (*spanned_lat.get_ref(), *spanned_lon.get_ref());
            if !(-90.0..=90.0).contains(&lat) {
                self.error(
                    file,
                    spanned_lat.span(),
                    format!("latitude {lat} is outside -90..90"),
                );
            }
            if !(-180.0..=180.0).contains(&lon) {
                self.error(
                    file,
                    spanned_lon.span(),
                    format!("longitude {lon} is outside -180..180"),
                );
            }
            locations.push(Location {
                id: sanitize(id.get_ref()),
                name: sanitize(name),
                modern_name: sanitize(modern_name),
                country: sanitize(country),
                lat,
                lon,
            });
        }
        (locations, ids)
    }

    fn terms(&mut self, file: &SourceFile, raw: &RawGlossary) -> Vec<Term> {
        let mut ids = IdTable::new("term");
        let mut terms = Vec::new();
        let RawGlossary { term: raw_terms } = raw;
        for RawTerm {
            id,
            term,
            aliases,
            definition,
            sources,
            general,
            part: _,
        } in raw_terms
        {
            ids.insert(self, file, id);
            let definition = nonblank(definition.as_deref());
            let general = nonblank(general.as_deref());
            if definition.is_none()
                && general.is_some()
                && let Some(first) = sources.first()
            {
                self.error(
                    file,
                    first.span(),
                    format!(
                        "term \"{}\" has `sources` but no `definition`: its `general` gloss is \
                         not from the work, so no passage of the work carries it; give the \
                         definition these sources carry, or drop them",
                        id.get_ref()
                    ),
                );
            }
            let owner = Owner {
                what: format!("the definition of term \"{}\"", id.get_ref()),
                rank: Rank::Entry,
                at: id.span(),
                needs_sources: definition.is_some(),
            };
            let sources = if definition.is_some() {
                self.sources(file, sources, &owner)
            } else {
                Vec::new()
            };
            if definition.is_none() && general.is_none() {
                self.error(
                    file,
                    id.span(),
                    format!(
                        "term \"{}\" needs a `definition` (what the work says of it), a \
                         `general` gloss (general knowledge, shown marked as not from the work), \
                         or both",
                        id.get_ref()
                    ),
                );
            }
            for form in std::iter::once(term).chain(aliases) {
                let length = form.chars().count();
                if length > text::LONGEST_TERM {
                    self.error(
                        file,
                        id.span(),
                        format!(
                            "term \"{}\" has a form of {length} characters; a glossary term or alias is at most {}",
                            id.get_ref(),
                            text::LONGEST_TERM
                        ),
                    );
                }
            }
            terms.push(Term {
                id: sanitize(id.get_ref()),
                term: sanitize(term),
                aliases: aliases.iter().map(|a| sanitize(a)).collect(),
                definition,
                sources,
                general,
                parts: Vec::new(),
            });
        }
        terms
    }

    fn scene(
        &mut self,
        file: &SourceFile,
        raw: &RawScene,
        episode: EpisodeId,
        refs: &References,
        question_ids: &mut IdTable,
    ) -> Option<Scene> {
        let RawScene {
            id,
            title,
            date,
            locations,
            characters,
            sources,
            text,
            notes,
            question,
        } = raw;
        let date = self.date(file, date);
        let owner = Owner {
            what: format!("scene \"{}\"", id.get_ref()),
            rank: Rank::Scene,
            at: id.span(),
            needs_sources: true,
        };
        let sources = self.sources(file, sources, &owner);
        if locations.get_ref().is_empty() {
            self.error(
                file,
                locations.span(),
                "a scene needs at least one location",
            );
        }
        let locations: Vec<LocationId> = locations
            .get_ref()
            .iter()
            .filter_map(|id| self.resolve(file, id, refs.locations).map(LocationId))
            .collect();
        let characters: Vec<CharacterId> = characters
            .iter()
            .filter_map(|id| self.resolve(file, id, refs.characters).map(CharacterId))
            .collect();
        let paragraphs = self.paragraphs(file, text, refs, Markers::FootnotesAndEditorNotes);
        let notes = notes
            .as_ref()
            .map(|notes| self.paragraphs(file, notes, refs, Markers::EditorNotes));
        let mut seen = HashSet::new();
        let mut footnotes = Vec::new();
        for inline in paragraphs.iter().flatten() {
            if let Inline::Footnote(id) = inline
                && seen.insert(*id)
            {
                footnotes.push(*id);
            }
        }
        let editor_notes = text::editor_notes_in(&paragraphs);
        let questions = question
            .iter()
            .filter_map(|raw| self.question(file, raw, refs, question_ids))
            .collect();
        Some(Scene {
            id: sanitize(id.get_ref()),
            title: sanitize(title),
            episode,
            date: date?,
            locations,
            characters,
            paragraphs,
            footnotes,
            editor_notes,
            terms: Vec::new(),
            notes,
            questions,
            sources,
        })
    }

    /// A question: its id unique in the story, a prompt, two to six different choices, an
    /// answer that is one of them, and an explanation whose markers resolve like scene text's.
    fn question(
        &mut self,
        file: &SourceFile,
        raw: &RawQuestion,
        refs: &References,
        ids: &mut IdTable,
    ) -> Option<Question> {
        let RawQuestion {
            id,
            prompt,
            choices,
            answer,
            explain,
        } = raw;
        let problems_before = self.problems.len();
        ids.insert(self, file, id);
        let prompt_text = sanitize(prompt.get_ref());
        if prompt_text.trim().is_empty() {
            self.error(file, prompt.span(), "a question's prompt may not be empty");
        }
        let count = choices.get_ref().len();
        if !(Question::FEWEST_CHOICES..=Question::MOST_CHOICES).contains(&count) {
            self.error(
                file,
                choices.span(),
                format!(
                    "a question needs {} to {} choices, not {count}",
                    Question::FEWEST_CHOICES,
                    Question::MOST_CHOICES
                ),
            );
        }
        let mut written: Vec<String> = Vec::with_capacity(count);
        for choice in choices.get_ref() {
            let text = sanitize(choice.get_ref()).trim().to_owned();
            if text.is_empty() {
                self.error(file, choice.span(), "a choice may not be empty");
            } else if written.contains(&text) {
                self.error(
                    file,
                    choice.span(),
                    format!("the choice \"{text}\" is already among this question's choices"),
                );
            }
            written.push(text);
        }
        let answer = answer.as_ref().and_then(|answer| {
            let wanted = sanitize(answer.get_ref()).trim().to_owned();
            let found = written.iter().position(|choice| *choice == wanted);
            if found.is_none() {
                let hint = self
                    .hints
                    .did_you_mean(&wanted, written.iter().map(String::as_str));
                self.error(
                    file,
                    answer.span(),
                    format!(
                        "the answer \"{wanted}\" is not written exactly as one of the \
                         question's choices{hint}"
                    ),
                );
            }
            found
        });
        let explain = explain
            .as_ref()
            .map(|explain| self.paragraphs(file, explain, refs, Markers::FootnotesAndEditorNotes))
            .unwrap_or_default();
        (self.problems.len() == problems_before).then(|| Question {
            id: sanitize(id.get_ref()),
            prompt: prompt_text.trim().to_owned(),
            choices: written,
            answer,
            explain,
        })
    }

    /// Parses scene text or presenter notes and resolves their markers (`markers` says which
    /// there are), reporting each bad one where it is.
    fn paragraphs(
        &mut self,
        file: &SourceFile,
        raw: &Spanned<String>,
        refs: &References,
        markers: Markers,
    ) -> Vec<Paragraph<FootnoteId>> {
        let (no_footnotes, no_notes) = (HashMap::new(), IdTable::default());
        let footnotes = refs.footnotes.unwrap_or(&no_footnotes);
        let notes = refs.editor_notes.unwrap_or(&no_notes);
        let cleaned = sanitize(raw.get_ref());
        let literal = raw.span();
        // Markers are found in the file in order; one written with escapes is not found as it
        // reads, and from then on every marker is placed at the text's start, rather than
        // searching the rest of the text again for each.
        let mut search_from = Some(literal.start);
        for marker in text::markers(&cleaned) {
            let label = Label::of(marker.label);
            if markers == Markers::EditorNotes && !matches!(label, Label::EditorNote(_)) {
                // Presenter notes may say "[^3]": it is their text, not a citation.
                continue;
            }
            let written = format!("[^{}]", marker.label);
            let found = search_from.and_then(|from| {
                file.text[from..literal.end]
                    .find(&written)
                    .map(|i| from + i)
            });
            search_from = found.map(|at| at + written.len());
            let at = found.unwrap_or(literal.start);
            let span = at..at + written.len();
            match label {
                Label::Footnote(number) => {
                    self.cited.insert(number);
                    if refs.footnotes.is_some() && !footnotes.contains_key(&number) {
                        self.error(
                            file,
                            span,
                            format!("footnote [^{number}] is not defined in footnotes.toml"),
                        );
                    }
                }
                Label::EditorNote(id) => {
                    self.noted.insert(id.to_owned());
                    if refs.editor_notes.is_some() && notes.get(id).is_none() {
                        let hint = self
                            .hints
                            .did_you_mean(id, notes.order.iter().map(String::as_str));
                        let message = if hint.is_empty() {
                            format!(
                                "unknown editor's note \"{id}\": it is not defined in \
                                 editor_notes.toml"
                            )
                        } else {
                            format!("unknown editor's note \"{id}\"{hint}")
                        };
                        self.error(file, span, message);
                    }
                }
                Label::Other => self.error(
                    file,
                    span,
                    format!(
                        "footnote marker \"{written}\" must be a number, like [^12], or name an \
                         editor's note, like [^ed:some-id]"
                    ),
                ),
            }
        }
        text::parse(&cleaned, markers)
            .into_iter()
            .map(|paragraph| {
                paragraph
                    .into_iter()
                    .filter_map(|inline| match inline {
                        Inline::Text(text) => Some(Inline::Text(text)),
                        Inline::Term(text, term) => Some(Inline::Term(text, term)),
                        Inline::Footnote(number) => {
                            footnotes.get(&number).copied().map(Inline::Footnote)
                        }
                        // A position in the file until `number_editor_notes` numbers them.
                        Inline::EditorNote(id) => notes
                            .get(&id)
                            .map(|at| Inline::EditorNote(EditorNoteId(at))),
                    })
                    .collect()
            })
            .collect()
    }

    fn check_every_footnote_cited(&mut self, file: &SourceFile, raw: &RawFootnotes) {
        for footnote in &raw.footnote {
            let number = *footnote.number.get_ref();
            if !self.cited.contains(&number) {
                self.error(
                    file,
                    footnote.number.span(),
                    format!(
                        "footnote {number} is never cited: no scene has the marker [^{number}]"
                    ),
                );
            }
        }
    }

    fn check_every_editor_note_used(&mut self, file: &SourceFile, raw: &RawEditorNotes) {
        for note in &raw.note {
            let id = note.id.get_ref();
            if !self.noted.contains(id) {
                self.error(
                    file,
                    note.id.span(),
                    format!(
                        "editor's note \"{id}\" is never used: no scene has the marker [^ed:{id}]"
                    ),
                );
            }
        }
    }

    fn resolve(
        &mut self,
        file: &SourceFile,
        id: &Spanned<String>,
        table: Option<&IdTable>,
    ) -> Option<usize> {
        let table = table?;
        let name = id.get_ref();
        let found = table.get(name);
        if found.is_none() {
            let hint = self
                .hints
                .did_you_mean(name, table.order.iter().map(String::as_str));
            self.error(
                file,
                id.span(),
                format!("unknown {} \"{name}\"{hint}", table.kind),
            );
        }
        found
    }

    fn date(&mut self, file: &SourceFile, raw: &Spanned<RawDate>) -> Option<StoryDate> {
        let parsed = match raw.get_ref() {
            RawDate::Text(text) => StoryDate::parse(text).map_err(|e| e.to_string()),
            RawDate::Disputed(RawDisputed { disputed }) if disputed.len() < 2 => {
                Err("a disputed date needs at least two claims".to_owned())
            }
            RawDate::Disputed(RawDisputed { disputed }) => {
                return self.disputed_date(file, raw.span(), disputed);
            }
        };
        parsed
            .map_err(|message| self.error(file, raw.span(), message))
            .ok()
    }

    /// A disputed date's claims, each problem placed at the claim's own value. (Inside an
    /// untagged date serde keeps no spans, so each value is found again in the table's text, in
    /// order; one not found is placed at the table.)
    fn disputed_date(
        &mut self,
        file: &SourceFile,
        span: Range<usize>,
        disputed: &[RawClaim],
    ) -> Option<StoryDate> {
        // A table under its own header (`[scene.date]`) is spanned by the header alone: its
        // values run to the next header.
        let end = file.text[span.end..]
            .find("\n[")
            .map_or(file.text.len(), |at| span.end + at);
        let mut claims = Vec::new();
        let mut from = span.start;
        let mut whole = true;
        for RawClaim { date, according_to } in disputed {
            let mut place = |value: &str| match string_value(&file.text, from..end, value) {
                Some(found) => {
                    from = found.end;
                    found
                }
                None => span.clone(),
            };
            let date_at = place(date);
            let according_at = place(according_to);
            if according_to.trim().is_empty() {
                self.error(
                    file,
                    according_at,
                    "`according_to` is empty: say whose account gives this date",
                );
                whole = false;
            }
            match date::parse_claim(date, Some(sanitize(according_to.trim()))) {
                Ok(claim) => claims.push(claim),
                Err(problem) => {
                    self.error(file, date_at, problem.to_string());
                    whole = false;
                }
            }
        }
        whole.then(|| StoryDate::disputed(claims))
    }

    /// Ties each person's parts to their scenes: a part's scene must exist and may not come
    /// before the first scene that lists the person, whose bio it continues.
    fn unfold_people(
        &mut self,
        file: &SourceFile,
        raw: &RawCharacters,
        people: &mut [Character],
        scenes: &[Scene],
        scene_ids: &IdTable,
    ) {
        for (index, (raw, person)) in raw.character.iter().zip(people.iter_mut()).enumerate() {
            let first = scenes
                .iter()
                .position(|scene| scene.characters.contains(&CharacterId(index)));
            let entry = Entry {
                kind: "character",
                id: &person.id,
                whose: format!("{}'s first scene", person.name),
                first,
            };
            for RawPart {
                from,
                text,
                role,
                code_names,
                died,
                sources,
            } in &raw.part
            {
                let died = died.as_ref().and_then(|d| self.text_date(file, d));
                let told = TellingOf {
                    from,
                    text,
                    sources,
                };
                if let Some(part) = self.part(file, &entry, told, scenes, scene_ids) {
                    person.parts.push(Part {
                        role: nonblank(role.as_deref()),
                        code_names: code_names.iter().map(|c| sanitize(c)).collect(),
                        died,
                        ..part
                    });
                }
            }
            person.parts.sort_by_key(|part| part.from);
        }
    }

    /// Ties each term's parts to their scenes: a part's scene must exist and may not come
    /// before the first scene whose text uses the term (when one does).
    fn unfold_terms(
        &mut self,
        file: &SourceFile,
        raw: &RawGlossary,
        terms: &mut [Term],
        scenes: &[Scene],
        scene_ids: &IdTable,
    ) {
        for (index, (raw, term)) in raw.term.iter().zip(terms.iter_mut()).enumerate() {
            let first = scenes
                .iter()
                .position(|scene| scene.terms.contains(&TermId(index)));
            let entry = Entry {
                kind: "term",
                id: &term.id,
                whose: format!("the first scene that uses \"{}\"", term.term),
                first,
            };
            for RawTermPart {
                from,
                text,
                sources,
            } in &raw.part
            {
                let told = TellingOf {
                    from,
                    text,
                    sources,
                };
                term.parts
                    .extend(self.part(file, &entry, told, scenes, scene_ids));
            }
            term.parts.sort_by_key(|part| part.from);
        }
    }

    /// A part of an entry with its sources checked and its scene resolved; `None` when the
    /// scene is unknown or comes before the entry's first scene (each reported).
    fn part(
        &mut self,
        file: &SourceFile,
        entry: &Entry,
        told: TellingOf,
        scenes: &[Scene],
        scene_ids: &IdTable,
    ) -> Option<Part> {
        let TellingOf {
            from,
            text,
            sources,
        } = told;
        let owner = Owner {
            what: format!(
                "the part of {} \"{}\" from \"{}\"",
                entry.kind,
                entry.id,
                from.get_ref()
            ),
            rank: Rank::Part,
            at: from.span(),
            needs_sources: true,
        };
        let sources = self.sources(file, sources, &owner);
        let from = self.part_scene(file, from, entry.first, &entry.whose, scenes, scene_ids)?;
        Some(Part {
            from,
            text: sanitize(text.trim()),
            role: None,
            code_names: Vec::new(),
            died: None,
            sources,
        })
    }

    /// The scene a part is told from: one that exists, at or after the entry's first scene.
    fn part_scene(
        &mut self,
        file: &SourceFile,
        from: &Spanned<String>,
        first: Option<usize>,
        whose: &str,
        scenes: &[Scene],
        scene_ids: &IdTable,
    ) -> Option<SceneId> {
        let index = self.resolve(file, from, Some(scene_ids))?;
        // A scene that failed validation has an id but no place among the scenes.
        let at = scenes
            .iter()
            .position(|scene| scene.id == *from.get_ref())?;
        debug_assert!(at <= index);
        if let Some(first) = first
            && at < first
        {
            let first = &scenes[first];
            self.error(
                file,
                from.span(),
                format!(
                    "part from scene \"{}\" comes before {whose}, \"{}\" (\"{}\"): a part \
                     continues what that scene first tells, so it may start there or later",
                    from.get_ref(),
                    first.id,
                    first.title
                ),
            );
            return None;
        }
        Some(SceneId(at))
    }

    /// A `sources` list read: each label a passage of the work (`P12`, `fn 4`), within the shape
    /// story.toml declares, none twice; and, when it declares one, at least one label if the
    /// owner's text needs them. Each passage is recorded as carried. The labels come back as
    /// they are shown (`P12`, `fn 4`).
    fn sources(
        &mut self,
        file: &SourceFile,
        sources: &[Spanned<String>],
        owner: &Owner,
    ) -> Vec<String> {
        if sources.is_empty() && owner.needs_sources && self.counts.is_some() {
            self.error(
                file,
                owner.at.clone(),
                format!(
                    "{} has no `sources`: story.toml's [source] declares the work's paragraphs, \
                     so name the passages this text rests on, like sources = [\"P12\", \"fn 4\"]",
                    owner.what
                ),
            );
        }
        let mut labels = Vec::with_capacity(sources.len());
        let mut seen = HashSet::new();
        for label in sources {
            let written = label.get_ref();
            let Some(passage) = Passage::parse(written) else {
                self.malformed_label(file, label);
                labels.push(sanitize(written));
                continue;
            };
            if let Some(why) = self.counts.and_then(|counts| counts.outside(passage)) {
                self.error(
                    file,
                    label.span(),
                    format!("source \"{written}\" is not in the work: {why}"),
                );
            }
            if !seen.insert(passage) {
                self.error(
                    file,
                    label.span(),
                    format!("source \"{written}\" is {passage} again: list a passage once"),
                );
                continue;
            }
            let carrier = self
                .carried
                .entry(passage)
                .or_insert_with(|| (owner.rank, owner.what.clone()));
            if owner.rank < carrier.0 {
                *carrier = (owner.rank, owner.what.clone());
            }
            labels.push(passage.to_string());
        }
        labels
    }

    fn malformed_label(&mut self, file: &SourceFile, label: &Spanned<String>) {
        let hint = Passage::guess(label.get_ref())
            .map(|passage| format!(" — did you mean \"{passage}\"?"))
            .unwrap_or_default();
        self.error(
            file,
            label.span(),
            format!(
                "\"{}\" is not a passage of the work: write a paragraph as P12, a footnote as \
                 fn 4{hint}",
                label.get_ref()
            ),
        );
    }

    /// The passages story.toml says are not retold, each read, within the work, and listed once:
    /// `(passage, why, where its label is)`.
    fn not_retold(
        &mut self,
        file: &SourceFile,
        source: &RawSource,
    ) -> Vec<(Passage, String, Range<usize>)> {
        let mut listed: Vec<(Passage, String, Range<usize>)> = Vec::new();
        let mut lines: HashMap<Passage, usize> = HashMap::new();
        for RawNotRetold { label, why } in &source.not_retold {
            let written = label.get_ref();
            let Some(passage) = Passage::parse(written) else {
                self.malformed_label(file, label);
                continue;
            };
            let Some(counts) = self.counts else {
                self.error(
                    file,
                    label.span(),
                    format!(
                        "\"{written}\" is listed as not retold, but story.toml's [source] gives \
                         no `paragraphs`, so nothing is counted: give the work's `paragraphs` and \
                         `footnotes`, or drop [[source.not_retold]]"
                    ),
                );
                continue;
            };
            if let Some(why) = counts.outside(passage) {
                self.error(
                    file,
                    label.span(),
                    format!("\"{written}\" is listed as not retold but is not in the work: {why}"),
                );
                continue;
            }
            if let Some(line) = lines.get(&passage) {
                self.error(
                    file,
                    label.span(),
                    format!("{passage} is already listed as not retold (line {line})"),
                );
                continue;
            }
            if why.trim().is_empty() {
                self.error(
                    file,
                    label.span(),
                    format!("{passage} is listed as not retold without a `why`: say why"),
                );
            }
            lines.insert(passage, file.position(label.span().start).line);
            listed.push((passage, sanitize(why.trim()), label.span()));
        }
        listed
    }

    /// Every passage of the work is carried by some `sources` list (a footnote also by a scene
    /// that cites it) or listed as not retold, and none is both. An uncovered passage is
    /// reported at story.toml's `[source]`; one both listed and carried, at its label there.
    fn check_coverage<'s>(
        &mut self,
        file: &SourceFile,
        source_at: Range<usize>,
        counts: Counts,
        not_retold: &[(Passage, String, Range<usize>)],
        citing: impl Fn(u32) -> Option<&'s Scene>,
    ) {
        let listed: HashMap<Passage, &Range<usize>> = not_retold
            .iter()
            .map(|(passage, _, at)| (*passage, at))
            .collect();
        for passage in Passage::all(counts.paragraphs, counts.footnotes) {
            let cited = match passage {
                Passage::Footnote(number) => self.cited.contains(&number),
                Passage::Paragraph(_) => false,
            };
            let named = self.carried.contains_key(&passage);
            match (named || cited, listed.get(&passage)) {
                (true, Some(at)) => {
                    // Said only here, so the scene that cites is looked for only here.
                    let carrier = match (self.carried.get(&passage), passage) {
                        (Some((_, what)), _) => format!(
                            "{what} names it in its `sources`: drop it from one or the other"
                        ),
                        (None, Passage::Footnote(number)) => {
                            let by = citing(number).map_or_else(
                                || "a scene".to_owned(),
                                |scene| format!("scene \"{}\"", scene.id),
                            );
                            format!(
                                "{by} cites [^{number}], and a cited footnote is retold: drop it \
                                 from the list"
                            )
                        }
                        (None, Passage::Paragraph(_)) => unreachable!("only footnotes are cited"),
                    };
                    self.error(
                        file,
                        (*at).clone(),
                        format!("{passage} is listed as not retold, but {carrier}"),
                    );
                }
                (false, None) => {
                    let cite = match passage {
                        Passage::Footnote(number) => format!(", no scene cites [^{number}]"),
                        Passage::Paragraph(_) => String::new(),
                    };
                    self.error(
                        file,
                        source_at.clone(),
                        format!(
                            "{passage} is carried by nothing: no `sources` list names it{cite}, \
                             and it is not listed under [[source.not_retold]] with why the story \
                             leaves it out"
                        ),
                    );
                }
                _ => {}
            }
        }
    }

    /// An episode's period covers each of its scenes' dates, every reading of a disputed one.
    fn check_period_covers(
        &mut self,
        file: &SourceFile,
        period_at: Range<usize>,
        episode: &str,
        period: &StoryDate,
        scene: &Scene,
        scene_line: usize,
    ) {
        let covers = period.range();
        let disputed = scene.date.is_disputed();
        for claim in scene.date.claims() {
            let reading = if disputed {
                format!("the reading \"{claim}\"")
            } else {
                "it".to_owned()
            };
            // "About 1927" is covered by a period from 1927: the year either side that an
            // approximate date may mean is the author's hedge, not a claim on the period.
            let range = date::core(claim);
            let outside = if range.start < covers.start {
                Some(format!(
                    "{reading} begins on {}, before the period begins ({})",
                    range.start, covers.start
                ))
            } else if range.end > covers.end {
                Some(format!(
                    "{reading} runs to {}, after the period ends ({})",
                    range.end, covers.end
                ))
            } else {
                None
            };
            if let Some(outside) = outside {
                self.error(
                    file,
                    period_at.clone(),
                    format!(
                        "the period \"{period}\" of episode \"{episode}\" does not cover scene \
                         \"{}\" (line {scene_line}), dated \"{}\": {outside}; widen the period \
                         or correct the date",
                        scene.id, scene.date
                    ),
                );
            }
        }
    }

    /// An editor's note stands on the work, or on what it states itself as ours: never on the
    /// glossary, whose general glosses are not from the work. So a note's text may not send the
    /// reader to the glossary. (What a note rests on otherwise is for a reader to judge: this is
    /// the part a rule can see.)
    fn check_note_stands_on_its_own(
        &mut self,
        file: &SourceFile,
        id: &str,
        text: &Spanned<String>,
    ) {
        let span = text.span();
        // Found in the file as written, to point at the word; in the text, if escapes hide it.
        let at = file
            .text
            .get(span.clone())
            .and_then(|written| find_ignoring_case(written, GLOSSARY_WORD))
            .map(|at| span.start + at)
            .or_else(|| find_ignoring_case(text.get_ref(), GLOSSARY_WORD).map(|_| span.start));
        if let Some(at) = at {
            self.error(
                file,
                at..at + GLOSSARY_WORD.len(),
                format!(
                    "editor's note \"{id}\" refers to the glossary: a note stands on the \
                     article or on what it states itself, and the glossary's general glosses \
                     are not from the article; say what the note rests on instead"
                ),
            );
        }
    }

    fn text_date(&mut self, file: &SourceFile, raw: &Spanned<String>) -> Option<StoryDate> {
        StoryDate::parse(raw.get_ref())
            .map_err(|e| self.error(file, raw.span(), e.to_string()))
            .ok()
    }
}

/// Where `value` is written as a TOML string (basic or literal, one line) within `within` of
/// `text`: the span from its opening quote. Values with escapes are not found.
fn string_value(text: &str, within: Range<usize>, value: &str) -> Option<Range<usize>> {
    let slice = text.get(within.clone())?;
    ['"', '\'']
        .into_iter()
        .filter_map(|quote| {
            let written = format!("{quote}{value}{quote}");
            slice
                .find(&written)
                .map(|at| within.start + at..within.start + at + written.len())
        })
        .min_by_key(|found| found.start)
}

/// Locations in order of first visit.
fn route(scenes: &[Scene]) -> Vec<LocationId> {
    let mut seen = HashSet::new();
    let mut route = Vec::new();
    for location in scenes.iter().flat_map(|scene| &scene.locations) {
        if seen.insert(*location) {
            route.push(*location);
        }
    }
    route
}
