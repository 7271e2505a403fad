//! Links from what the reader selects to the scenes it belongs to.

use super::Entry;
use crate::story::{SceneId, Story, TermId, text};

/// Every scene an entry appears in, in reading order.
pub fn scenes_of(story: &Story, entry: Entry) -> Vec<SceneId> {
    story
        .scene_ids()
        .filter(|id| {
            let scene = story.scene(*id);
            match entry {
                Entry::Character(c) => scene.characters.contains(&c),
                Entry::Footnote(f) => scene.footnotes.contains(&f),
                // In the text, or in the presenter's notes only.
                Entry::EditorNote(e) => {
                    scene.editor_notes.contains(&e)
                        || text::editor_notes_in(scene.notes.iter().flatten()).contains(&e)
                }
                Entry::Location(l) => scene.locations.contains(&l),
                Entry::Term(t) => scene.terms.contains(&t),
            }
        })
        .collect()
}

/// Glossary terms for the glossary view: with no search, the scene's own terms first and then
/// the rest alphabetically; with a search, the terms any of whose words or other forms start with
/// it, ignoring case.
pub fn glossary(story: &Story, scene: SceneId, search: &str) -> Vec<TermId> {
    let mut all: Vec<TermId> = (0..story.terms.len()).map(TermId).collect();
    all.sort_by_key(|id| story.term(*id).term.to_lowercase());
    if search.is_empty() {
        let here = &story.scene(scene).terms;
        let mut listed = here.clone();
        listed.extend(all.into_iter().filter(|id| !here.contains(id)));
        return listed;
    }
    let search = search.to_lowercase();
    all.into_iter()
        .filter(|id| {
            story.term(*id).forms().any(|form| {
                form.to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| word.starts_with(&search))
                    || form.to_lowercase().starts_with(&search)
            })
        })
        .collect()
}

/// Every scene in the order of its date (earliest first; reading order breaks ties).
pub fn chronological(story: &Story) -> Vec<SceneId> {
    let mut scenes: Vec<SceneId> = story.scene_ids().collect();
    scenes.sort_by_key(|id| story.scene(*id).date.sort_key());
    scenes
}
