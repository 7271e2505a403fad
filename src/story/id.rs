//! The typed indices a validated story refers by: a `TermId` is a position in the glossary, and
//! only the loader makes one. Below both the model and the scene text, which name them.

use serde::{Deserialize, Serialize};

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
    /// An editor's note, numbered from 1 in order of first use.
    EditorNoteId,
}
