//! The validated story: built once by the loader, then only read. References are typed indices,
//! so a `Story` can never point at a character, place or footnote that does not exist.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::date::StoryDate;
pub use super::id::{
    CharacterId, EditorNoteId, EpisodeId, FootnoteId, LocationId, SceneId, TermId,
};
use super::text::{Inline, Paragraph};

/// A whole story, validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub source: String,
    /// The titles in `source` (set in italics where a page can).
    pub source_titles: Vec<String>,
    pub episodes: Vec<Episode>,
    pub scenes: Vec<Scene>,
    pub characters: Vec<Character>,
    pub footnotes: Vec<Footnote>,
    /// Our notes on the article, in the order of their numbers.
    pub editor_notes: Vec<EditorNote>,
    pub locations: Vec<Location>,
    pub terms: Vec<Term>,
    /// Locations in the order the story first visits them.
    pub route: Vec<LocationId>,
    /// A hash of the story's files, to tell two stories apart.
    pub fingerprint: String,
    /// The shape of the work retold, when the story gives it: what the coverage check counts.
    pub source_shape: Option<SourceShape>,
}

/// How many paragraphs and footnotes the work retold has, and the passages the story leaves
/// out on purpose, each with why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceShape {
    pub paragraphs: u32,
    pub footnotes: u32,
    /// `(label, why)`: `("P6", "the corresponding author's e-mail address")`.
    pub not_retold: Vec<(String, String)>,
}

/// An episode: a stretch of the story in one main place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub id: String,
    pub title: String,
    pub location: LocationId,
    pub period: StoryDate,
    /// The episode's scenes, as positions in `Story::scenes`.
    pub scenes: Range<usize>,
}

/// A scene: one moment or development, the unit the reader steps through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    pub id: String,
    pub title: String,
    pub episode: EpisodeId,
    pub date: StoryDate,
    pub locations: Vec<LocationId>,
    pub characters: Vec<CharacterId>,
    pub paragraphs: Vec<Paragraph<FootnoteId>>,
    /// Footnotes cited, each once, in order of first citation.
    pub footnotes: Vec<FootnoteId>,
    /// Editor's notes marked in the text, each once, in order of first use.
    pub editor_notes: Vec<EditorNoteId>,
    /// Glossary terms the text uses, each once, in order of first use.
    pub terms: Vec<TermId>,
    /// For the presenter: paragraphs whose only markers are editor's notes.
    pub notes: Option<Vec<Paragraph<FootnoteId>>>,
    /// Questions about the scene, for the class and for a reader checking themselves.
    pub questions: Vec<Question>,
    /// The passages of the work the scene retells: `P12`, `fn 4`.
    pub sources: Vec<String>,
}

/// A question about a scene, with two to six choices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub choices: Vec<String>,
    /// The right choice's position, if there is one (none for an opinion poll).
    pub answer: Option<usize>,
    /// Why the answer is right: paragraphs that may cite footnotes and mark editor's notes.
    pub explain: Vec<Paragraph<FootnoteId>>,
}

impl Question {
    /// The most choices a question may have: the number keys 1–6 answer it anywhere.
    pub const MOST_CHOICES: usize = 6;
    pub const FEWEST_CHOICES: usize = 2;

    /// The letter a choice goes by on every screen: A, B, C…
    pub fn letter(choice: usize) -> char {
        char::from(b'A' + (choice as u8 % 26))
    }

    /// The footnotes the explanation cites, each once, in order.
    pub fn footnotes(&self) -> Vec<FootnoteId> {
        let mut cited = Vec::new();
        for inline in self.explain.iter().flatten() {
            if let super::text::Inline::Footnote(id) = inline
                && !cited.contains(id)
            {
                cited.push(*id);
            }
        }
        cited
    }
}

/// A person in the story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Character {
    pub id: String,
    pub name: String,
    /// Other spellings of the name: each certainly this person.
    pub aliases: Vec<String>,
    /// Names that only probably or possibly refer to this person.
    pub identified_as: Vec<Identification>,
    pub born: Option<StoryDate>,
    pub died: Option<StoryDate>,
    pub role: String,
    pub code_names: Vec<String>,
    /// What the story has told of the person by the first scene that lists them.
    pub bio: String,
    pub sources: Vec<String>,
    /// What later scenes tell, in story order: each shown once the reader has reached its
    /// scene. Ask [`super::Reach::person`] for what may be told.
    pub parts: Vec<Part>,
}

/// Life dates as a reader expects them: "1890–1956", "1901–", "–1974", or nothing.
pub fn life_dates(born: Option<&StoryDate>, died: Option<&StoryDate>) -> Option<String> {
    match (born, died) {
        (None, None) => None,
        (born, died) => Some(format!(
            "{}–{}",
            born.map(ToString::to_string).unwrap_or_default(),
            died.map(ToString::to_string).unwrap_or_default()
        )),
    }
}

/// More of an entry, told from a scene on: a person's later life, a term's meaning in the
/// story. Only people's parts carry a role, code names or a death date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// The scene from which the part may be told.
    pub from: SceneId,
    pub text: String,
    /// The role from this scene on, replacing the one before.
    pub role: Option<String>,
    /// Code names made known from this scene on.
    pub code_names: Vec<String>,
    pub died: Option<StoryDate>,
    pub sources: Vec<String>,
}

/// A name that probably or possibly refers to a person (a code name, a name in a document),
/// kept apart from the plain other spellings, which are certain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identification {
    pub name: String,
    pub certainty: Certainty,
    /// Whose identification it is, or why, if the story says.
    pub basis: Option<String>,
}

impl Identification {
    /// The name as what it is: "probably ‘Sugimara’".
    pub fn hedged(&self) -> String {
        format!("{} ‘{}’", self.certainty.adverb(), self.name)
    }

    /// The name as what it is, with its basis: "probably ‘Sugimara’ (Motov's account)".
    pub fn described(&self) -> String {
        match &self.basis {
            Some(basis) => format!("{} ({basis})", self.hedged()),
            None => self.hedged(),
        }
    }
}

/// How sure an identification is. A certain one is a plain alias and needs no word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Certainty {
    Probable,
    Possible,
}

impl Certainty {
    /// Every certainty, surest first.
    pub const ALL: [Certainty; 2] = [Certainty::Probable, Certainty::Possible];

    /// The word a story file gives it: "probable", "possible".
    pub fn word(self) -> &'static str {
        match self {
            Certainty::Probable => "probable",
            Certainty::Possible => "possible",
        }
    }

    /// The word a reader sees before the name: "probably", "possibly".
    pub fn adverb(self) -> &'static str {
        match self {
            Certainty::Probable => "probably",
            Certainty::Possible => "possibly",
        }
    }

    /// The certainty a story file's word names, if it names one.
    pub fn from_word(word: &str) -> Option<Certainty> {
        Self::ALL.into_iter().find(|c| c.word() == word)
    }
}

/// A numbered footnote: the reference that supports a claim, and any comment on it. At least one
/// of the two is present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Footnote {
    pub number: u32,
    /// The reference and the comment, as plain text (without the files' title marks).
    pub citation: Option<String>,
    pub note: Option<String>,
    /// The titles of books, journals and newspapers in the citation and the note, which a page
    /// sets in italics (see `text::split_titles`).
    pub titles: Vec<String>,
}

impl Footnote {
    /// The citation and the note as one line of text: "citation — note".
    pub fn full_text(&self) -> String {
        [self.citation.as_deref(), self.note.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" — ")
    }
}

/// An editor's note: our own remark where the article is inconsistent or mistaken, the article's
/// statement kept as it is. Apart from the article's footnotes, and numbered on its own, in the
/// order the story first marks it (text before presenter notes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EditorNote {
    pub id: String,
    pub number: u32,
    pub text: String,
    /// The passages of the work the note comments on.
    pub sources: Vec<String>,
}

impl EditorNote {
    /// The heading over the editor's notes, wherever they are listed together.
    pub const HEADING: &str = "Editor's notes";

    /// What an editor's note is, in a sentence, for wherever the notes are shown.
    pub const ABOUT: &str = "A note of ours, not the article's: where the article is \
        inconsistent or mistaken, the story keeps what it says and notes it.";

    /// How the text and the lists refer to it: `[ed.1]`, never to be taken for a footnote's
    /// `[1]`.
    pub fn marker(&self) -> String {
        format!("[ed.{}]", self.number)
    }
}

/// A place, with the name the story uses and today's name and country.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    pub name: String,
    pub modern_name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
}

impl Location {
    /// Where the place is today, saying nothing twice: "Harbin, China" for a place the story
    /// names differently, just the country when the name is today's, and nothing when the
    /// place is a country under its own name ("Italy", never "Italy · Italy").
    pub fn today(&self) -> Option<String> {
        let modern = (self.modern_name != self.name).then_some(self.modern_name.as_str());
        let country = (self.country != self.name && Some(self.country.as_str()) != modern)
            .then_some(self.country.as_str());
        match (modern, country) {
            (Some(modern), Some(country)) => Some(format!("{modern}, {country}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
            (None, None) => None,
        }
    }
}

/// A glossary term: what the work says of it, a gloss from general knowledge kept apart, or
/// both (never neither), and what later scenes tell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    /// What the work itself says or shows of the term.
    pub definition: Option<String>,
    pub sources: Vec<String>,
    /// A short gloss from general knowledge, not from the work: always shown marked as such.
    pub general: Option<String>,
    /// What later scenes tell, in story order. Ask [`super::Reach::term`] for what may be told.
    pub parts: Vec<Part>,
}

impl Term {
    /// How a gloss from general knowledge is marked wherever it is shown.
    pub const GENERAL_MARK: &str = "not from the article";

    /// The term and its other forms, as they may appear in scene text.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.term.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

impl Story {
    pub fn scene(&self, id: SceneId) -> &Scene {
        &self.scenes[id.0]
    }

    pub fn episode(&self, id: EpisodeId) -> &Episode {
        &self.episodes[id.0]
    }

    pub fn character(&self, id: CharacterId) -> &Character {
        &self.characters[id.0]
    }

    pub fn footnote(&self, id: FootnoteId) -> &Footnote {
        &self.footnotes[id.0]
    }

    pub fn editor_note(&self, id: EditorNoteId) -> &EditorNote {
        &self.editor_notes[id.0]
    }

    pub fn location(&self, id: LocationId) -> &Location {
        &self.locations[id.0]
    }

    /// "Episode 7/14": where an episode is in the story, the same on every screen and page.
    pub fn episode_position(&self, episode: EpisodeId) -> String {
        format!("Episode {}/{}", episode.index() + 1, self.episodes.len())
    }

    /// The first and last year any date in the story can mean: the timeline's span.
    pub fn year_span(&self) -> (i32, i32) {
        let ranges = self
            .scenes
            .iter()
            .map(|s| s.date.range())
            .chain(self.episodes.iter().map(|e| e.period.range()));
        ranges.fold((i32::MAX, i32::MIN), |(first, last), range| {
            (first.min(range.start.year), last.max(range.end.year))
        })
    }

    /// Where a scene happens, as the story names its places: "Oslo, Bergen".
    pub fn place_names(&self, scene: &Scene) -> String {
        scene
            .locations
            .iter()
            .map(|id| self.location(*id).name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn term(&self, id: TermId) -> &Term {
        &self.terms[id.0]
    }

    pub fn scene_ids(&self) -> impl DoubleEndedIterator<Item = SceneId> + ExactSizeIterator {
        (0..self.scenes.len()).map(SceneId)
    }

    /// The first scene of an episode.
    pub fn first_scene_of(&self, episode: EpisodeId) -> SceneId {
        SceneId(self.episode(episode).scenes.start)
    }

    /// The position of a scene within its episode, counted from 1.
    pub fn scene_number_in_episode(&self, id: SceneId) -> usize {
        let episode = self.episode(self.scene(id).episode);
        id.0 - episode.scenes.start + 1
    }

    /// The scene with this id, if any.
    pub fn find_scene(&self, id: &str) -> Option<SceneId> {
        self.scenes.iter().position(|s| s.id == id).map(SceneId)
    }

    /// The episode's questions, scene by scene, with the scene each is about.
    pub fn questions_of(&self, episode: EpisodeId) -> impl Iterator<Item = (SceneId, &Question)> {
        self.episode(episode).scenes.clone().flat_map(move |index| {
            self.scenes[index]
                .questions
                .iter()
                .map(move |question| (SceneId(index), question))
        })
    }

    /// The question with this id, and the scene it is about.
    pub fn find_question(&self, id: &str) -> Option<(SceneId, &Question)> {
        self.scene_ids().find_map(|scene| {
            self.scene(scene)
                .questions
                .iter()
                .find(|question| question.id == id)
                .map(|question| (scene, question))
        })
    }

    /// Paragraphs as plain text, markers as the reader sees them (`[3]`, `[ed.1]`): for the
    /// remote's notes and preview, and a question's explanation sent to the class.
    pub fn plain_paragraphs(&self, paragraphs: &[Paragraph<FootnoteId>]) -> Vec<String> {
        paragraphs
            .iter()
            .map(|paragraph| {
                paragraph
                    .iter()
                    .map(|inline| match inline {
                        Inline::Text(text) | Inline::Term(text, _) => text.clone(),
                        Inline::Footnote(id) => format!("[{}]", self.footnote(*id).number),
                        Inline::EditorNote(id) => self.editor_note(*id).marker(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The first scene set at a location, if the story goes there.
    pub fn first_visit(&self, location: LocationId) -> Option<SceneId> {
        self.scenes
            .iter()
            .position(|scene| scene.locations.contains(&location))
            .map(SceneId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identification(certainty: Certainty, basis: Option<&str>) -> Identification {
        Identification {
            name: "Sugimara".into(),
            certainty,
            basis: basis.map(Into::into),
        }
    }

    #[test]
    fn an_identification_says_how_sure_it_is_and_on_what_basis() {
        let probable = identification(Certainty::Probable, Some("Motov's account"));
        assert_eq!(probable.hedged(), "probably ‘Sugimara’");
        assert_eq!(
            probable.described(),
            "probably ‘Sugimara’ (Motov's account)"
        );
        let possible = identification(Certainty::Possible, None);
        assert_eq!(possible.described(), "possibly ‘Sugimara’");
    }

    #[test]
    fn certainty_words_read_back_and_nothing_else_does() {
        for certainty in Certainty::ALL {
            assert_eq!(Certainty::from_word(certainty.word()), Some(certainty));
        }
        for word in ["certain", "probably", "Probable", ""] {
            assert_eq!(Certainty::from_word(word), None, "{word:?}");
        }
    }
}
