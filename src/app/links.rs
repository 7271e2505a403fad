//! Links from what the reader selects to the scenes it belongs to.

use super::Entry;
use crate::story::{SceneId, Story};

/// Every scene an entry appears in, in reading order.
pub fn scenes_of(story: &Story, entry: Entry) -> Vec<SceneId> {
    story
        .scene_ids()
        .filter(|id| {
            let scene = story.scene(*id);
            match entry {
                Entry::Character(c) => scene.characters.contains(&c),
                Entry::Footnote(f) => scene.footnotes.contains(&f),
                Entry::Location(l) => scene.locations.contains(&l),
            }
        })
        .collect()
}

/// Every scene in the order of its date (earliest first; reading order breaks ties).
pub fn chronological(story: &Story) -> Vec<SceneId> {
    let mut scenes: Vec<SceneId> = story.scene_ids().collect();
    scenes.sort_by_key(|id| story.scene(*id).date.sort_key());
    scenes
}
