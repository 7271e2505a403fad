//! How far into the story a reader may see: all of it, or what the scenes up to the furthest one
//! the presenter has shown hold. The one rule every door asks (the reader's app, on the terminal
//! and over SSH, and the web pages), so that a follower sees the same wherever they follow from.

use std::ops::Range;

use super::{
    CharacterId, EditorNoteId, Episode, EpisodeId, FootnoteId, LocationId, Part, Scene, SceneId,
    Story, StoryDate, TermId, life_dates,
};

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

    /// The story it is a reach into.
    pub fn story(&self) -> &'a Story {
        self.story
    }

    /// The furthest scene that may be read, when there is a limit.
    pub fn furthest(&self) -> Option<SceneId> {
        self.furthest
    }

    /// Whether the scene may be read, and so what it tells be told.
    pub fn may_show_scene(&self, scene: SceneId) -> bool {
        self.furthest.is_none_or(|furthest| scene <= furthest)
    }

    /// The positions in `Story::scenes` of an episode's scenes that may be read: all of them,
    /// the first few, or none.
    pub fn scenes_of(&self, episode: EpisodeId) -> Range<usize> {
        let scenes = self.story.episode(episode).scenes.clone();
        match self.furthest {
            Some(furthest) => scenes.start..scenes.end.min(furthest.index() + 1).max(scenes.start),
            None => scenes,
        }
    }

    /// The episodes with a scene that may be read, in story order, each with its position among
    /// the story's episodes and the scenes of it that may be read.
    pub fn episodes(&self) -> impl Iterator<Item = (usize, &'a Episode, &'a [Scene])> {
        let (reach, story) = (*self, self.story);
        story
            .episodes
            .iter()
            .enumerate()
            .map(move |(number, episode)| {
                let scenes = &story.scenes[reach.scenes_of(EpisodeId(number))];
                (number, episode, scenes)
            })
            .filter(|(_, _, scenes)| !scenes.is_empty())
    }

    /// Whether any scene of the episode may be read: one whose scenes all lie ahead is not
    /// named, listed or drawn.
    pub fn may_show_episode(&self, episode: EpisodeId) -> bool {
        !self.scenes_of(episode).is_empty()
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

    /// What the story has told of a person so far: the first scene's bio and the parts of the
    /// scenes up to the limit, with the role, code names and death date as they stand by then.
    /// Asked of a person who may not be shown, it tells what their first scene tells: callers
    /// ask `may_show_person` first.
    pub fn person(&self, id: CharacterId) -> PersonTold<'a> {
        let person = self.story.character(id);
        let (told, untold) = self.split(&person.parts);
        let mut role = person.role.as_str();
        let mut code_names: Vec<&str> = person.code_names.iter().map(String::as_str).collect();
        let mut died = person.died.as_ref();
        let mut bio = vec![person.bio.as_str()];
        for part in told {
            if let Some(later) = &part.role {
                role = later;
            }
            code_names.extend(part.code_names.iter().map(String::as_str));
            died = part.died.as_ref().or(died);
            bio.push(&part.text);
        }
        PersonTold {
            role,
            code_names,
            born: person.born.as_ref(),
            died,
            bio,
            untold,
        }
    }

    /// What the story has told of a term so far: what the work says of it, the general gloss
    /// (always, marked), and the parts of the scenes up to the limit.
    pub fn term(&self, id: TermId) -> TermTold<'a> {
        let term = self.story.term(id);
        let (told, untold) = self.split(&term.parts);
        TermTold {
            definition: term.definition.as_deref(),
            general: term.general.as_deref(),
            parts: told.iter().map(|part| part.text.as_str()).collect(),
            untold,
        }
    }

    /// The parts that may be told, and how many may not. Parts are in story order, so the
    /// told ones come first.
    fn split(&self, parts: &'a [Part]) -> (&'a [Part], usize) {
        let told = parts.partition_point(|part| self.may_show_scene(part.from));
        (&parts[..told], parts.len() - told)
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

/// What every door says of an entry with parts still untold: that there is more, never what.
pub const MORE_LATER: &str = "More later in the story.";

/// A person as far as the story has told: what every door shows of them.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonTold<'a> {
    pub role: &'a str,
    pub code_names: Vec<&'a str>,
    pub born: Option<&'a StoryDate>,
    pub died: Option<&'a StoryDate>,
    /// The bio, then each part told so far: one paragraph each.
    pub bio: Vec<&'a str>,
    /// How many parts later scenes will tell.
    pub untold: usize,
}

impl PersonTold<'_> {
    /// "1890–1956", "1901–", "–1974", or nothing, as far as told.
    pub fn life_dates(&self) -> Option<String> {
        life_dates(self.born, self.died)
    }
}

/// A term as far as the story has told.
#[derive(Clone, Debug, PartialEq)]
pub struct TermTold<'a> {
    pub definition: Option<&'a str>,
    /// Shown always, and always marked [`super::Term::GENERAL_MARK`].
    pub general: Option<&'a str>,
    /// The parts told so far, one paragraph each.
    pub parts: Vec<&'a str>,
    /// How many parts later scenes will tell.
    pub untold: usize,
}

impl TermTold<'_> {
    /// The paragraphs that come from the work, in order: the definition, then the parts.
    pub fn from_the_work(&self) -> impl Iterator<Item = &str> {
        self.definition
            .into_iter()
            .chain(self.parts.iter().copied())
    }

    /// Everything told, on one line, the general gloss last and marked: for a tooltip or a
    /// list where the term has one line.
    pub fn summary(&self) -> String {
        let mut said: Vec<String> = self.from_the_work().map(str::to_owned).collect();
        if let Some(general) = self.general {
            said.push(format!("[{}] {general}", super::Term::GENERAL_MARK));
        }
        said.join(" ")
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

    #[test]
    fn a_person_unfolds_scene_by_scene_role_code_names_and_all() {
        let story = journey();
        let ada = CharacterId(0);
        let at = |scene| Reach::up_to(&story, SceneId(scene)).person(ada);
        let first = at(0);
        assert_eq!(first.bio.len(), 1, "{first:?}");
        assert_eq!((first.role, first.untold), ("traveller", 2));
        assert_eq!(first.code_names, ["Heron"]);
        let ferry = at(1);
        assert_eq!(ferry.bio[1], "Someone takes her over the water in May.");
        assert_eq!((ferry.role, ferry.untold), ("traveller", 1));
        for told in [at(3), Reach::everything(&story).person(ada)] {
            assert_eq!(told.bio.len(), 3);
            assert_eq!(told.role, "traveller, settled in Rome");
            assert_eq!(told.code_names, ["Heron", "Kite"]);
            assert_eq!(told.untold, 0);
        }
    }

    #[test]
    fn a_term_unfolds_and_its_general_gloss_is_always_told_apart() {
        let story = journey();
        let ferry = TermId(0);
        let early = Reach::up_to(&story, SceneId(1)).term(ferry);
        assert_eq!(early.parts, Vec::<&str>::new());
        assert_eq!(early.untold, 1);
        assert_eq!(early.general, Some("Ferries are older than most bridges."));
        let late = Reach::up_to(&story, SceneId(3)).term(ferry);
        assert_eq!(late.from_the_work().count(), 2);
        assert!(
            late.summary()
                .ends_with("[not from the article] Ferries are older than most bridges."),
            "{}",
            late.summary()
        );
    }

    #[test]
    fn an_episode_shows_the_scenes_that_may_be_read_and_none_past_them() {
        let story = journey();
        let (north, south) = (EpisodeId(0), EpisodeId(1));
        let first = Reach::up_to(&story, SceneId(0));
        assert_eq!(
            (first.scenes_of(north), first.scenes_of(south)),
            (0..1, 3..3)
        );
        assert!(first.may_show_episode(north) && !first.may_show_episode(south));
        let listed = |reach: &Reach| -> Vec<(usize, String, usize)> {
            reach
                .episodes()
                .map(|(number, episode, scenes)| (number, episode.id.clone(), scenes.len()))
                .collect()
        };
        assert_eq!(listed(&first), [(0, "north".to_owned(), 1)]);
        assert_eq!(
            listed(&Reach::everything(&story)),
            [(0, "north".to_owned(), 3), (1, "south".to_owned(), 1)]
        );
        let last = Reach::up_to(&story, SceneId(3));
        assert_eq!((last.scenes_of(north), last.scenes_of(south)), (0..3, 3..4));
        let all = Reach::everything(&story);
        assert_eq!((all.scenes_of(north), all.scenes_of(south)), (0..3, 3..4));
    }
}
