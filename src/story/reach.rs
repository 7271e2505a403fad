//! How far into the story a reader may see: all of it, or what the scenes up to the furthest one
//! the presenter has shown hold. The one rule every door asks (the reader's app, on the terminal
//! and over SSH, and the web pages), so that a follower sees the same wherever they follow from.

use super::{CharacterId, EditorNoteId, FootnoteId, LocationId, Scene, SceneId, Story, TermId};

/// What a reader may see of a story: every scene, or the scenes up to the furthest one shown and
/// only the people, places, terms, footnotes and editor's notes those scenes hold. A person,
/// place or term that only later scenes hold is not named, listed, found or opened.
#[derive(Clone, Copy, Debug)]
pub struct Reach<'a> {
    story: &'a Story,
    /// The furthest scene that may be read, or `None` when the whole story may.
    furthest: Option<SceneId>,
}

impl<'a> Reach<'a> {
    /// The whole story: a reader on their own, or a class allowed to read ahead.
    pub fn everything(story: &'a Story) -> Self {
        Self {
            story,
            furthest: None,
        }
    }

    /// The scenes up to `furthest` (the last scene, if it lies past the end) and what they hold.
    pub fn up_to(story: &'a Story, furthest: SceneId) -> Self {
        let last = story.scenes.len().saturating_sub(1);
        Self {
            story,
            furthest: Some(SceneId(furthest.index().min(last))),
        }
    }

    /// Up to `furthest` when there is a limit, everything when there is none.
    pub fn limited_to(story: &'a Story, furthest: Option<SceneId>) -> Self {
        match furthest {
            Some(furthest) => Self::up_to(story, furthest),
            None => Self::everything(story),
        }
    }

    /// The furthest scene that may be read, when there is a limit.
    pub fn furthest(&self) -> Option<SceneId> {
        self.furthest
    }

    /// Whether the scene may be read.
    pub fn may_show_scene(&self, scene: SceneId) -> bool {
        self.furthest.is_none_or(|furthest| scene <= furthest)
    }

    /// The scene itself when it may be read, else the furthest one that may.
    pub fn clamp(&self, scene: SceneId) -> SceneId {
        match self.furthest {
            Some(furthest) if scene > furthest => furthest,
            _ => scene,
        }
    }

    /// Whether a scene that may be read has this person in it.
    pub fn may_show_person(&self, id: CharacterId) -> bool {
        self.held(|scene| scene.characters.contains(&id))
    }

    /// Whether a scene that may be read is set in this place.
    pub fn may_show_place(&self, id: LocationId) -> bool {
        self.held(|scene| scene.locations.contains(&id))
    }

    /// Whether a scene that may be read uses this term.
    pub fn may_show_term(&self, id: TermId) -> bool {
        self.held(|scene| scene.terms.contains(&id))
    }

    /// Whether a scene that may be read cites this footnote.
    pub fn may_show_footnote(&self, id: FootnoteId) -> bool {
        self.held(|scene| scene.footnotes.contains(&id))
    }

    /// An editor's note marked in the text of a scene that may be read. One marked only in a
    /// presenter's notes is never a follower's to see.
    pub fn may_show_editor_note(&self, id: EditorNoteId) -> bool {
        self.held(|scene| scene.editor_notes.contains(&id))
    }

    /// The people that may be seen, in the order of `characters.toml`.
    pub fn people(&self) -> Vec<CharacterId> {
        (0..self.story.characters.len())
            .map(CharacterId)
            .filter(|id| self.may_show_person(*id))
            .collect()
    }

    /// The places that may be seen, in the order the story first goes there.
    pub fn places(&self) -> Vec<LocationId> {
        let places = self.story.route.iter().copied();
        places.filter(|id| self.may_show_place(*id)).collect()
    }

    /// The glossary terms that may be seen, in the order of `glossary.toml`.
    pub fn terms(&self) -> Vec<TermId> {
        (0..self.story.terms.len())
            .map(TermId)
            .filter(|id| self.may_show_term(*id))
            .collect()
    }

    /// The footnotes that may be seen, in the order of their numbers.
    pub fn footnotes(&self) -> Vec<FootnoteId> {
        (0..self.story.footnotes.len())
            .map(FootnoteId)
            .filter(|id| self.may_show_footnote(*id))
            .collect()
    }

    /// The editor's notes that may be seen, in the order of their numbers.
    pub fn editor_notes(&self) -> Vec<EditorNoteId> {
        (0..self.story.editor_notes.len())
            .map(EditorNoteId)
            .filter(|id| self.may_show_editor_note(*id))
            .collect()
    }

    /// Whether the reader may see what `holds` picks out: anything without a limit; with one,
    /// only what a scene that may be read holds.
    fn held(&self, holds: impl Fn(&Scene) -> bool) -> bool {
        match self.furthest {
            None => true,
            Some(furthest) => self.story.scenes[..=furthest.index()].iter().any(holds),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The test journey: Christiania, Ada and footnote 1 in the first scene; Bergen, Bo,
    /// footnote 2 and the term "ferry" from the second; Rome and the note "two-dates" (marked in
    /// the text) in the fourth, the note "register-month" only in its presenter's notes.
    fn journey() -> Story {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/journey");
        crate::story::load(&dir).expect("the journey loads")
    }

    fn names<T>(ids: Vec<T>, name: impl Fn(T) -> String) -> Vec<String> {
        ids.into_iter().map(name).collect()
    }

    #[test]
    fn up_to_the_first_scene_only_what_it_holds_may_be_seen() {
        let story = journey();
        let reach = Reach::up_to(&story, SceneId(0));
        assert!(reach.may_show_scene(SceneId(0)));
        assert!(!reach.may_show_scene(SceneId(1)));
        assert_eq!(reach.clamp(SceneId(3)), SceneId(0));
        let place = |id| story.location(id).name.clone();
        assert_eq!(names(reach.places(), place), ["Christiania"]);
        let person = |id| story.character(id).name.clone();
        assert_eq!(names(reach.people(), person), ["Ada Lind"]);
        assert_eq!(reach.terms(), []);
        let footnote = |id| story.footnote(id).number.to_string();
        assert_eq!(names(reach.footnotes(), footnote), ["1"]);
        assert_eq!(reach.editor_notes(), []);
    }

    #[test]
    fn a_later_limit_reveals_what_the_scenes_up_to_it_hold() {
        let story = journey();
        let reach = Reach::up_to(&story, SceneId(1));
        let place = |id| story.location(id).name.clone();
        assert_eq!(names(reach.places(), place), ["Christiania", "Bergen"]);
        let person = |id| story.character(id).name.clone();
        assert_eq!(names(reach.people(), person), ["Ada Lind", "Bo Stern"]);
        let term = |id| story.term(id).term.clone();
        assert_eq!(names(reach.terms(), term), ["ferry"]);
        let reach = Reach::up_to(&story, SceneId(3));
        let place = |id| story.location(id).name.clone();
        assert_eq!(
            names(reach.places(), place),
            ["Christiania", "Bergen", "Rome"]
        );
        // The note marked in the last scene's text, not the one only its presenter reads.
        let note = |id| story.editor_note(id).id.clone();
        assert_eq!(names(reach.editor_notes(), note), ["two-dates"]);
    }

    #[test]
    fn everything_may_be_seen_without_a_limit_and_a_limit_past_the_end_is_the_last_scene() {
        let story = journey();
        let all = Reach::everything(&story);
        assert_eq!(all.furthest(), None);
        assert!(all.may_show_scene(SceneId(3)));
        assert_eq!(all.clamp(SceneId(3)), SceneId(3));
        assert_eq!(all.places().len(), story.route.len());
        assert_eq!(all.people().len(), story.characters.len());
        assert_eq!(all.terms().len(), story.terms.len());
        assert_eq!(all.footnotes().len(), story.footnotes.len());
        assert_eq!(all.editor_notes().len(), story.editor_notes.len());
        assert_eq!(Reach::limited_to(&story, None).furthest(), None);
        let beyond = Reach::limited_to(&story, Some(SceneId(99)));
        assert_eq!(beyond.furthest(), Some(SceneId(3)));
        assert_eq!(beyond.editor_notes().len(), 1);
    }
}
