//! The validated story: built once by the loader, then only read. References are typed indices,
//! so a `Story` can never point at a character, place or footnote that does not exist.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::date::StoryDate;
use super::text::Paragraph;

macro_rules! index_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub(crate) usize);

        impl $name {
            /// The position in the story's list.
            pub fn index(self) -> usize {
                self.0
            }
        }
    )*};
}

index_type! {
    /// An episode's position in reading order.
    EpisodeId,
    /// A scene's position in reading order across the whole story.
    SceneId,
    /// A character in `characters.toml`.
    CharacterId,
    /// A footnote in `footnotes.toml`.
    FootnoteId,
    /// A location in `locations.toml`.
    LocationId,
    /// A glossary term in `glossary.toml`.
    TermId,
}

/// A whole story, validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub source: String,
    pub episodes: Vec<Episode>,
    pub scenes: Vec<Scene>,
    pub characters: Vec<Character>,
    pub footnotes: Vec<Footnote>,
    pub locations: Vec<Location>,
    pub terms: Vec<Term>,
    /// Locations in the order the story first visits them.
    pub route: Vec<LocationId>,
    /// A hash of the story's files, to tell two stories apart.
    pub fingerprint: String,
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
    /// Glossary terms the text uses, each once, in order of first use.
    pub terms: Vec<TermId>,
    pub notes: Option<String>,
}

/// A person in the story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Character {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub born: Option<StoryDate>,
    pub died: Option<StoryDate>,
    pub role: String,
    pub code_names: Vec<String>,
    pub bio: String,
}

impl Character {
    /// Life dates as a reader expects them: "1890–1956", "1901–", "–1974", or nothing.
    pub fn life_dates(&self) -> Option<String> {
        match (&self.born, &self.died) {
            (None, None) => None,
            (born, died) => Some(format!(
                "{}–{}",
                born.as_ref().map(ToString::to_string).unwrap_or_default(),
                died.as_ref().map(ToString::to_string).unwrap_or_default()
            )),
        }
    }
}

/// A numbered footnote: the reference that supports a claim, and any comment on it. At least one
/// of the two is present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Footnote {
    pub number: u32,
    pub citation: Option<String>,
    pub note: Option<String>,
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

/// A glossary term and its definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    pub definition: String,
}

impl Term {
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

    pub fn location(&self, id: LocationId) -> &Location {
        &self.locations[id.0]
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

    /// The first scene set at a location, if the story goes there.
    pub fn first_visit(&self, location: LocationId) -> Option<SceneId> {
        self.scenes
            .iter()
            .position(|scene| scene.locations.contains(&location))
            .map(SceneId)
    }
}
