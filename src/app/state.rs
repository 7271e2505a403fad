//! Where the reader is: scene, focused pane, selections, scroll offsets, open overlay. Changed only
//! by `App::update`, with no IO, so tests can drive it without a terminal.

use std::time::{Duration, Instant};

use ratatui::layout::{Rect, Size};

use super::{Action, TimeOfDay, links};
use crate::saved::Saved;
use crate::search::{Hit, SearchIndex, Target};
use crate::story::{CharacterId, EpisodeId, FootnoteId, LocationId, SceneId, Story, TermId};
use crate::ui::{self, layout};

/// A pane that can hold the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Scene,
    Characters,
    Footnotes,
    Locations,
}

impl Pane {
    /// Focus order for Tab.
    pub const ALL: [Pane; 4] = [
        Pane::Scene,
        Pane::Characters,
        Pane::Footnotes,
        Pane::Locations,
    ];
    /// The panes beside the scene, in the order their tabs are shown.
    pub const SIDE: [Pane; 3] = [Pane::Characters, Pane::Footnotes, Pane::Locations];

    fn step(self, forward: bool) -> Pane {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let n = Self::ALL.len();
        Self::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Scene => "Scene",
            Pane::Characters => "People",
            Pane::Footnotes => "Footnotes",
            Pane::Locations => "Places",
        }
    }
}

/// How the story is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Scene and side panes, for reading.
    Reader,
    /// One thing at a time, large and high-contrast, for a classroom.
    Presentation,
    /// The presenter's console: notes, the next scene, time.
    Console,
}

/// What a presentation shows in full instead of the scene, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    None,
    People,
    Map,
    Footnotes,
}

impl Panel {
    fn next(self) -> Panel {
        match self {
            Panel::None => Panel::People,
            Panel::People => Panel::Map,
            Panel::Map => Panel::Footnotes,
            Panel::Footnotes => Panel::None,
        }
    }
}

/// A stopwatch for the lesson. Time comes in through actions, so the state stays free of clocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timer {
    /// Time counted before the current run.
    banked: Duration,
    /// When the current run started, if the timer is running.
    since: Option<Instant>,
    /// The latest moment the app was told about.
    now: Option<Instant>,
}

impl Timer {
    /// Time counted so far, as of the latest moment the app knows.
    pub fn elapsed(&self) -> Duration {
        match (self.since, self.now) {
            (Some(since), Some(now)) => self.banked + now.saturating_duration_since(since),
            _ => self.banked,
        }
    }

    pub fn is_running(&self) -> bool {
        self.since.is_some()
    }

    fn toggle(&mut self, now: Instant) {
        self.now = Some(now);
        match self.since.take() {
            Some(since) => self.banked += now.saturating_duration_since(since),
            None => self.since = Some(now),
        }
    }
}

/// An entry that can be opened in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Character(CharacterId),
    Footnote(FootnoteId),
    Location(LocationId),
    Term(TermId),
}

/// What is drawn over the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// A person, footnote or place in full, with the scenes it appears in to pick from.
    Entry(Entry),
    /// Every scene in date order, to pick from.
    Timeline,
    /// The glossary, searchable, to pick a term from.
    Glossary,
    /// Search everywhere: type, pick a hit, Enter to go there.
    Search,
    /// The reader's bookmarks, to pick from or remove.
    Bookmarks,
    /// What is wrong with the story folder being watched; the last good story stays shown.
    Problems,
}

/// The reader's whole state.
#[derive(Debug)]
pub struct App {
    story: Story,
    scene: SceneId,
    focus: Pane,
    side: Pane,
    scene_scroll: u16,
    character: usize,
    footnote: usize,
    location: usize,
    overlay: Option<Overlay>,
    overlay_scroll: u16,
    /// The highlighted row of the overlay's list of scenes.
    pick: usize,
    /// Scenes the reader jumped away from, most recent last.
    history: Vec<SceneId>,
    /// What the reader has typed into the glossary's search.
    search: String,
    /// What the reader searches the whole story for; kept after the search closes, for `n`/`N`
    /// and for highlighting it in the scene.
    query: String,
    /// The hits of `query`, best first.
    hits: Vec<Hit>,
    /// Every searchable string, folded; built the first time the reader searches.
    index: Option<SearchIndex>,
    /// Bookmarked scenes, in the order they were set.
    bookmarks: Vec<SceneId>,
    /// A message for the reader (a state file that could not be read or written), shown until
    /// the next key.
    status: Option<String>,
    /// Problems in the watched story folder, one located message each.
    problems: Vec<String>,
    show_map: bool,
    /// The reader's preference: a timeline strip where it fits.
    show_timeline: bool,
    mode: Mode,
    blank: bool,
    panel: Panel,
    /// Digits typed in a presentation, naming the scene to go to on Enter.
    typed_number: String,
    timer: Timer,
    /// The scene the presenter shows, when following one.
    presenter_scene: Option<SceneId>,
    /// Whether the link to the presenter is up, when there is one.
    linked: Option<bool>,
    /// The wall clock, for the presenter's console.
    clock: Option<TimeOfDay>,
    viewport: Size,
    quit: bool,
    interrupted: bool,
}

impl App {
    /// A reader at the first scene, for a terminal of the given size.
    pub fn new(story: Story, viewport: Size) -> Self {
        let mut app = Self {
            story,
            scene: SceneId(0),
            focus: Pane::Scene,
            side: Pane::Characters,
            scene_scroll: 0,
            character: 0,
            footnote: 0,
            location: 0,
            overlay: None,
            overlay_scroll: 0,
            pick: 0,
            history: Vec::new(),
            search: String::new(),
            query: String::new(),
            hits: Vec::new(),
            index: None,
            bookmarks: Vec::new(),
            status: None,
            problems: Vec::new(),
            show_map: true,
            show_timeline: true,
            mode: Mode::Reader,
            blank: false,
            panel: Panel::None,
            typed_number: String::new(),
            timer: Timer::default(),
            presenter_scene: None,
            linked: None,
            clock: None,
            viewport,
            quit: false,
            interrupted: false,
        };
        app.go_to(SceneId(0));
        app
    }

    pub fn story(&self) -> &Story {
        &self.story
    }

    pub fn scene(&self) -> SceneId {
        self.scene
    }

    pub fn episode(&self) -> EpisodeId {
        self.story.scene(self.scene).episode
    }

    pub fn focus(&self) -> Pane {
        self.focus
    }

    /// The side pane shown when only one fits: the focused one, or the last one focused.
    pub fn side_pane(&self) -> Pane {
        self.side
    }

    pub fn scene_scroll(&self) -> u16 {
        self.scene_scroll
    }

    pub fn overlay(&self) -> Option<Overlay> {
        self.overlay
    }

    pub fn overlay_scroll(&self) -> u16 {
        self.overlay_scroll
    }

    /// The highlighted row of the open overlay's list of scenes.
    pub fn pick(&self) -> usize {
        self.pick
    }

    /// The scenes the open overlay lets the reader pick from.
    pub fn pickable_scenes(&self) -> Vec<SceneId> {
        match self.overlay {
            Some(Overlay::Entry(entry)) => links::scenes_of(&self.story, entry),
            Some(Overlay::Timeline) => links::chronological(&self.story),
            Some(Overlay::Bookmarks) => self.bookmarks.clone(),
            Some(Overlay::Help | Overlay::Glossary | Overlay::Search | Overlay::Problems)
            | None => Vec::new(),
        }
    }

    /// The glossary terms the open glossary lists.
    pub fn pickable_terms(&self) -> Vec<TermId> {
        links::glossary(&self.story, self.scene, &self.search)
    }

    /// What the reader has typed into the glossary's search.
    pub fn search(&self) -> &str {
        &self.search
    }

    /// Whether keys are being typed into a search rather than used as commands.
    pub fn is_typing(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Glossary | Overlay::Search))
    }

    /// How many jumps `GoBack` can undo.
    pub fn history_len(&self) -> usize {
        self.history.len()
    }

    pub fn viewport(&self) -> Size {
        self.viewport
    }

    /// Takes up the reader's layout preferences.
    pub fn set_layout(&mut self, map: bool, timeline: bool) {
        self.show_map = map;
        self.show_timeline = timeline;
    }

    /// Whether the timeline strip is shown where it fits.
    pub fn show_timeline(&self) -> bool {
        self.show_timeline
    }

    /// Whether the places pane shows a map (where it fits) rather than a list.
    pub fn show_map(&self) -> bool {
        self.show_map
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether a presentation is blanked out.
    pub fn is_blank(&self) -> bool {
        self.blank
    }

    pub fn panel(&self) -> Panel {
        self.panel
    }

    pub fn timer(&self) -> Timer {
        self.timer
    }

    /// Takes the presenter's timer as it was announced: `elapsed` so far, running or not.
    pub fn set_timer(&mut self, elapsed: Duration, running: bool, now: Instant) {
        self.timer = Timer {
            banked: elapsed,
            since: running.then_some(now),
            now: Some(now),
        };
    }

    /// The scene the presenter shows, when following one.
    pub fn presenter_scene(&self) -> Option<SceneId> {
        self.presenter_scene
    }

    /// Whether the link to the presenter is up (`None` when there is no presenter).
    pub fn linked(&self) -> Option<bool> {
        self.linked
    }

    /// Records whether the link to the presenter is up.
    pub fn set_linked(&mut self, up: bool) -> bool {
        let changed = self.linked != Some(up);
        self.linked = Some(up);
        changed
    }

    /// The wall clock as last told, if it was.
    pub fn clock(&self) -> Option<TimeOfDay> {
        self.clock
    }

    /// Starts the app as the presenter's console.
    pub fn into_console(mut self) -> Self {
        self.mode = Mode::Console;
        self
    }

    /// The scene number being typed in a presentation, if any.
    pub fn typed_number(&self) -> &str {
        &self.typed_number
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether the reader left with Ctrl-C rather than by quitting.
    pub fn was_interrupted(&self) -> bool {
        self.interrupted
    }

    /// The selected entry's position in the pane's list.
    pub fn selected(&self, pane: Pane) -> usize {
        match pane {
            Pane::Scene => 0,
            Pane::Characters => self.character,
            Pane::Footnotes => self.footnote,
            Pane::Locations => self.location,
        }
    }

    /// The entry selected in a pane, if the pane has one.
    pub fn selected_entry(&self, pane: Pane) -> Option<Entry> {
        let scene = self.story.scene(self.scene);
        match pane {
            Pane::Scene => None,
            Pane::Characters => scene
                .characters
                .get(self.character)
                .map(|c| Entry::Character(*c)),
            Pane::Footnotes => scene
                .footnotes
                .get(self.footnote)
                .map(|f| Entry::Footnote(*f)),
            Pane::Locations => self
                .story
                .route
                .get(self.location)
                .map(|l| Entry::Location(*l)),
        }
    }

    /// Applies an action. Returns whether anything visible changed, so the caller can skip a redraw.
    pub fn update(&mut self, action: Action) -> bool {
        let before = self.snapshot();
        // A message is shown until the reader does something.
        if !matches!(
            action,
            Action::Tick(_) | Action::Clock(_) | Action::Resize(..)
        ) {
            self.status = None;
        }
        self.apply(action);
        self.snapshot() != before
    }

    fn apply(&mut self, action: Action) {
        if action == Action::Interrupt {
            self.quit = true;
            self.interrupted = true;
            return;
        }
        if self.mode == Mode::Presentation && self.apply_presenting(action) {
            return;
        }
        if let Some(overlay) = self.overlay {
            match (overlay, action) {
                (_, Action::Back)
                | (Overlay::Help, Action::ToggleHelp)
                | (Overlay::Timeline, Action::ShowTimeline) => {
                    return self.close_overlay();
                }
                (Overlay::Help | Overlay::Problems, Action::Up) => return self.scroll_overlay(-1),
                (Overlay::Help | Overlay::Problems, Action::Down) => {
                    return self.scroll_overlay(1);
                }
                (_, Action::Up) => return self.move_pick(-1),
                (_, Action::Down) => return self.move_pick(1),
                (Overlay::Timeline | Overlay::Bookmarks, Action::PageUp) => {
                    return self.move_pick(-self.page());
                }
                (Overlay::Timeline | Overlay::Bookmarks, Action::PageDown) => {
                    return self.move_pick(self.page());
                }
                (_, Action::PageUp) => return self.scroll_overlay(-self.page()),
                (_, Action::PageDown) => return self.scroll_overlay(self.page()),
                (Overlay::Glossary, Action::Type(c)) => {
                    self.search.push(c);
                    self.pick = 0;
                    return;
                }
                (Overlay::Glossary, Action::Erase) => {
                    self.search.pop();
                    self.pick = 0;
                    return;
                }
                (Overlay::Search, Action::Type(c)) => {
                    self.query.push(c);
                    return self.run_search();
                }
                (Overlay::Search, Action::Erase) => {
                    self.query.pop();
                    return self.run_search();
                }
                (Overlay::Search, Action::Open) => {
                    if let Some(hit) = self.hits.get(self.pick) {
                        self.follow(hit.target);
                    }
                    return;
                }
                (Overlay::Glossary, Action::Open) => {
                    if let Some(term) = self.pickable_terms().get(self.pick).copied() {
                        self.open_entry(Entry::Term(term));
                    }
                    return;
                }
                (Overlay::Bookmarks, Action::Remove) => {
                    if self.pick < self.bookmarks.len() {
                        self.bookmarks.remove(self.pick);
                        self.pick = self.pick.min(self.bookmarks.len().saturating_sub(1));
                    }
                    return;
                }
                (Overlay::Bookmarks, Action::ShowBookmarks) => return self.close_overlay(),
                (Overlay::Entry(_) | Overlay::Timeline | Overlay::Bookmarks, Action::Open) => {
                    if let Some(target) = self.pickable_scenes().get(self.pick).copied() {
                        self.jump_to(target);
                    }
                    return;
                }
                (_, Action::Quit | Action::Resize(..)) => {}
                (Overlay::Help | Overlay::Problems, _) => return,
                (
                    Overlay::Entry(_)
                    | Overlay::Timeline
                    | Overlay::Glossary
                    | Overlay::Search
                    | Overlay::Bookmarks,
                    _,
                ) => {
                    self.close_overlay();
                }
            }
        }
        let last = SceneId(self.story.scenes.len() - 1);
        match action {
            Action::NextScene if self.scene < last => self.go_to(SceneId(self.scene.0 + 1)),
            Action::PreviousScene if self.scene.0 > 0 => self.go_to(SceneId(self.scene.0 - 1)),
            Action::NextScene | Action::PreviousScene => {}
            Action::NextEpisode => self.go_to_episode(self.episode().0 + 1),
            Action::PreviousEpisode => self.go_to_episode(self.episode().0.saturating_sub(1)),
            Action::GoToScene(index) if index < self.story.scenes.len() => {
                self.close_overlay();
                self.go_to(SceneId(index));
            }
            Action::PresenterAt(index) if index < self.story.scenes.len() => {
                self.presenter_scene = Some(SceneId(index));
                if self.scene != SceneId(index) {
                    self.close_overlay();
                    self.go_to(SceneId(index));
                }
            }
            Action::GoToScene(_) | Action::PresenterAt(_) => {}
            Action::SnapToPresenter => {
                if let Some(scene) = self.presenter_scene {
                    self.close_overlay();
                    self.go_to(scene);
                }
            }
            Action::Digit(digit @ 1..=9) => self.go_to_episode(usize::from(digit) - 1),
            Action::Digit(_) => {}
            Action::TogglePresentation => {
                self.close_overlay();
                self.mode = Mode::Presentation;
                self.set_focus(Pane::Scene);
                self.scene_scroll = 0;
            }
            Action::ToggleBlank
            | Action::CyclePanel
            | Action::ToggleTimer(_)
            | Action::ResetTimer => {}
            Action::Tick(now) => self.timer.now = Some(now),
            Action::Clock(time) => self.clock = Some(time),
            Action::FirstScene => self.go_to(SceneId(0)),
            Action::LastScene => self.go_to(last),
            Action::FocusNext => self.set_focus(self.focus.step(true)),
            Action::FocusPrevious => self.set_focus(self.focus.step(false)),
            Action::Up => self.move_in_focus(-1),
            Action::Down => self.move_in_focus(1),
            Action::PageUp => self.move_in_focus(-self.page()),
            Action::PageDown => self.move_in_focus(self.page()),
            Action::Open => {
                if let Some(entry) = self.selected_entry(self.focus) {
                    self.open_entry(entry);
                }
            }
            Action::ShowTimeline => {
                self.open_overlay(Overlay::Timeline);
                self.pick = self
                    .pickable_scenes()
                    .iter()
                    .position(|s| *s == self.scene)
                    .unwrap_or(0);
            }
            Action::ShowGlossary => {
                self.open_overlay(Overlay::Glossary);
                self.search.clear();
            }
            Action::Search => {
                self.open_overlay(Overlay::Search);
                self.run_search();
            }
            Action::NextHit => self.step_hits(true),
            Action::ToggleBookmark => match self.bookmarks.iter().position(|b| *b == self.scene) {
                Some(at) => {
                    self.bookmarks.remove(at);
                }
                None => self.bookmarks.push(self.scene),
            },
            Action::ShowBookmarks => {
                self.open_overlay(Overlay::Bookmarks);
                self.pick = self
                    .bookmarks
                    .iter()
                    .position(|b| *b == self.scene)
                    .unwrap_or(0);
            }
            Action::Remove => {}
            Action::Focus(pane) => self.set_focus(pane),
            Action::Select(pane, index) => {
                self.set_focus(pane);
                if let Some((selection, len)) = self.selection_mut(pane)
                    && index < len
                {
                    *selection = index;
                }
            }
            Action::OpenEntry(entry) => self.open_entry(entry),
            Action::PreviousHit => self.step_hits(false),
            Action::Type(_) | Action::Erase => {}
            Action::GoBack => {
                if let Some(previous) = self.history.pop() {
                    self.go_to(previous);
                }
            }
            Action::ToggleMap => self.show_map = !self.show_map,
            Action::ToggleHelp => {
                self.overlay = Some(Overlay::Help);
                self.overlay_scroll = 0;
            }
            Action::Back | Action::Quit => self.quit = true,
            Action::Interrupt => {}
            Action::Resize(width, height) => {
                self.viewport = Size::new(width, height);
                self.scene_scroll = self.scene_scroll.min(self.max_scene_scroll());
                self.overlay_scroll = self.overlay_scroll.min(self.max_overlay_scroll());
            }
        }
    }

    fn open_overlay(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
        self.overlay_scroll = 0;
        self.pick = 0;
    }

    /// What a presentation does with an action; `false` leaves it to the reader's handling.
    fn apply_presenting(&mut self, action: Action) -> bool {
        if self.blank
            && !matches!(
                action,
                Action::Quit | Action::Resize(..) | Action::Tick(_) | Action::Clock(_)
            )
        {
            // Any key brings the picture back, as with a projector remote.
            self.blank = false;
            return true;
        }
        match action {
            Action::TogglePresentation => self.leave_presentation(),
            Action::ToggleBlank => self.blank = true,
            Action::ToggleTimer(now) => self.timer.toggle(now),
            Action::ResetTimer => self.timer = Timer::default(),
            Action::Tick(now) => self.timer.now = Some(now),
            Action::CyclePanel => self.panel = self.panel.next(),
            Action::Digit(digit) if self.typed_number.len() < 6 => {
                self.typed_number.push(char::from(b'0' + digit));
            }
            Action::Digit(_) => {}
            Action::Open if !self.typed_number.is_empty() => {
                let number: usize = self.typed_number.parse().unwrap_or(0);
                self.typed_number.clear();
                if (1..=self.story.scenes.len()).contains(&number) {
                    self.jump_to(SceneId(number - 1));
                }
            }
            Action::Back if !self.typed_number.is_empty() => self.typed_number.clear(),
            Action::Back if self.panel != Panel::None => self.panel = Panel::None,
            Action::Back if self.overlay.is_some() => return false,
            Action::Back => self.leave_presentation(),
            Action::FocusNext
            | Action::FocusPrevious
            | Action::Open
            | Action::ShowGlossary
            | Action::ShowTimeline
            | Action::ToggleMap => {}
            _ => return false,
        }
        true
    }

    fn leave_presentation(&mut self) {
        self.mode = Mode::Reader;
        self.panel = Panel::None;
        self.typed_number.clear();
        self.scene_scroll = 0;
    }

    /// Opens an entry with the pick on the current scene, where the entry appears in it.
    fn open_entry(&mut self, entry: Entry) {
        self.open_overlay(Overlay::Entry(entry));
        self.pick = self
            .pickable_scenes()
            .iter()
            .position(|s| *s == self.scene)
            .unwrap_or(0);
    }

    /// Runs the search for the current query, building the index on first use.
    fn run_search(&mut self) {
        let story = &self.story;
        let index = self.index.get_or_insert_with(|| SearchIndex::new(story));
        self.hits = index.search(&self.query);
        self.pick = 0;
        self.overlay_scroll = 0;
    }

    /// Goes where a hit is: a scene is shown, anything else opened with its scenes.
    fn follow(&mut self, target: Target) {
        match target {
            Target::Scene(scene) => self.jump_to(scene),
            Target::Character(id) => self.open_entry(Entry::Character(id)),
            Target::Footnote(id) => self.open_entry(Entry::Footnote(id)),
            Target::Term(id) => self.open_entry(Entry::Term(id)),
        }
    }

    /// `n`/`N`: the next or previous scene, in story order and round the end, whose title or
    /// text holds the query.
    fn step_hits(&mut self, forward: bool) {
        let mut scenes: Vec<SceneId> = self
            .hits
            .iter()
            .filter_map(|hit| match hit.target {
                Target::Scene(scene) => Some(scene),
                _ => None,
            })
            .collect();
        scenes.sort_unstable();
        scenes.dedup();
        let next = if forward {
            scenes.iter().find(|s| **s > self.scene).or(scenes.first())
        } else {
            scenes
                .iter()
                .rev()
                .find(|s| **s < self.scene)
                .or(scenes.last())
        };
        if let Some(&scene) = next
            && scene != self.scene
        {
            self.jump_to(scene);
        }
    }

    /// Shows a new version of the story (the watched folder changed), keeping the reader's
    /// place and bookmarks by scene id.
    pub fn replace_story(&mut self, story: Story) {
        let saved = self.saved();
        let index = self.scene.index();
        self.story = story;
        self.index = None;
        self.hits.clear();
        self.history.clear();
        self.problems.clear();
        // What an overlay listed may be gone.
        self.close_overlay();
        // Where the scene is gone, stay at the same position in the story.
        self.go_to(SceneId(index.min(self.story.scenes.len() - 1)));
        self.restore(&saved);
        self.status = Some("story reloaded".to_owned());
    }

    /// Shows what is wrong with the watched story; the story on screen stays as it was.
    pub fn show_problems(&mut self, problems: Vec<String>) {
        self.problems = problems;
        self.open_overlay(Overlay::Problems);
    }

    /// The watched story's problems, when it has any.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// Takes up a saved place and bookmarks; ids no longer in the story are left out.
    pub fn restore(&mut self, saved: &Saved) {
        if let Some(scene) = saved
            .scene
            .as_deref()
            .and_then(|id| self.story.find_scene(id))
        {
            self.go_to(scene);
        }
        self.bookmarks = saved
            .bookmarks
            .iter()
            .filter_map(|id| self.story.find_scene(id))
            .collect();
        self.bookmarks.dedup();
    }

    /// The place and bookmarks to remember.
    pub fn saved(&self) -> Saved {
        let id = |scene: &SceneId| self.story.scene(*scene).id.clone();
        Saved {
            scene: Some(id(&self.scene)),
            bookmarks: self.bookmarks.iter().map(id).collect(),
        }
    }

    pub fn bookmarks(&self) -> &[SceneId] {
        &self.bookmarks
    }

    /// Shows a message until the reader's next key.
    pub fn set_status(&mut self, message: String) {
        self.status = Some(message);
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// What the reader last searched for (empty if nothing).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The hits of the query, best first.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// The search index, once the reader has searched.
    pub fn search_index(&self) -> Option<&SearchIndex> {
        self.index.as_ref()
    }

    /// Follows a link: remembers where the reader was, goes to the scene, closes the overlay.
    fn jump_to(&mut self, scene: SceneId) {
        if scene != self.scene {
            self.history.push(self.scene);
        }
        self.close_overlay();
        self.go_to(scene);
    }

    fn move_pick(&mut self, delta: i32) {
        let count = match self.overlay {
            Some(Overlay::Glossary) => self.pickable_terms().len(),
            Some(Overlay::Search) => self.hits.len().min(crate::search::LISTED),
            _ => self.pickable_scenes().len(),
        };
        let last = count.saturating_sub(1);
        self.pick = step(self.pick, delta, last);
    }

    fn go_to(&mut self, scene: SceneId) {
        self.scene = scene;
        self.scene_scroll = 0;
        self.character = 0;
        self.footnote = 0;
        let here = self.story.scene(scene).locations.first();
        self.location = here
            .and_then(|here| self.story.route.iter().position(|l| l == here))
            .unwrap_or(0);
    }

    /// Goes to the first scene of an episode; an episode past the end does nothing.
    fn go_to_episode(&mut self, index: usize) {
        if index < self.story.episodes.len() {
            self.go_to(self.story.first_scene_of(EpisodeId(index)));
        }
    }

    fn set_focus(&mut self, pane: Pane) {
        self.focus = pane;
        if pane != Pane::Scene {
            self.side = pane;
        }
    }

    fn move_in_focus(&mut self, delta: i32) {
        if self.focus == Pane::Scene {
            self.scene_scroll = step(
                self.scene_scroll.into(),
                delta,
                self.max_scene_scroll().into(),
            ) as u16;
        } else if let Some((selection, len)) = self.selection_mut(self.focus) {
            *selection = step(*selection, delta, len.saturating_sub(1));
        }
    }

    /// A side pane's selected position and how many entries it has to select from.
    fn selection_mut(&mut self, pane: Pane) -> Option<(&mut usize, usize)> {
        let scene = self.story.scene(self.scene);
        match pane {
            Pane::Scene => None,
            Pane::Characters => Some((&mut self.character, scene.characters.len())),
            Pane::Footnotes => Some((&mut self.footnote, scene.footnotes.len())),
            Pane::Locations => Some((&mut self.location, self.story.route.len())),
        }
    }

    fn close_overlay(&mut self) {
        self.overlay = None;
        self.overlay_scroll = 0;
        self.pick = 0;
    }

    fn scroll_overlay(&mut self, delta: i32) {
        let max = self.max_overlay_scroll();
        self.overlay_scroll = step(self.overlay_scroll.into(), delta, max.into()) as u16;
    }

    /// How far a page key scrolls: the scene text's height less a line of overlap.
    /// Where the scene's text is drawn in the current mode.
    fn scene_text_area(&self) -> Rect {
        match self.mode {
            Mode::Reader | Mode::Console => {
                layout::reader(self.area(), self.show_timeline).scene_text
            }
            Mode::Presentation => ui::presentation::text_area(&self.story, self.scene, self.area()),
        }
    }

    fn page(&self) -> i32 {
        let text = self.scene_text_area();
        i32::from(text.height.saturating_sub(1).max(1))
    }

    fn area(&self) -> Rect {
        Rect::new(0, 0, self.viewport.width, self.viewport.height)
    }

    fn max_scene_scroll(&self) -> u16 {
        let text = self.scene_text_area();
        let lines = ui::scene::text_height(&self.story, self.scene, text.width);
        lines.saturating_sub(text.height)
    }

    fn max_overlay_scroll(&self) -> u16 {
        match self.overlay {
            None => 0,
            Some(overlay) => ui::overlay_max_scroll(self, overlay, self.area()),
        }
    }

    /// Everything that affects what is drawn, to tell whether an action changed anything.
    fn snapshot(&self) -> impl PartialEq + use<> {
        (
            (self.scene, self.focus, self.side, self.scene_scroll),
            (self.character, self.footnote, self.location),
            (self.overlay, self.overlay_scroll, self.pick),
            (self.history.len(), self.search.clone(), self.query.clone()),
            (self.show_map, self.viewport, self.quit),
            (self.mode, self.blank, self.panel, self.typed_number.clone()),
            (self.timer.elapsed().as_secs(), self.timer.is_running()),
            (self.presenter_scene, self.clock),
            (
                self.bookmarks.clone(),
                self.status.clone(),
                self.problems.len(),
            ),
        )
    }
}

/// Moves `value` by `delta`, staying within `0..=max`.
fn step(value: usize, delta: i32, max: usize) -> usize {
    let moved = if delta < 0 {
        value.saturating_sub(delta.unsigned_abs() as usize)
    } else {
        value.saturating_add(delta as usize)
    };
    moved.min(max)
}
