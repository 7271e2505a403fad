//! Where the reader is: scene, focused pane, selections, scroll offsets, open overlay, and their
//! part in a classroom. Changed only by `App::update`, with no IO, so tests can drive it without
//! a terminal; `update` says what the world should do about a change (save, announce, send).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use strum::VariantArray;

use super::geometry::Geometry;
use super::{Action, Announcement, Changes, Control, Effect, TimeOfDay, links, mouse};
use crate::saved::Saved;
use crate::search::{Hit, LISTED, SearchIndex, Target};
use crate::story::{
    CharacterId, EditorNoteId, EpisodeId, FootnoteId, LocationId, Question, Reach, SceneId, Story,
    TermId,
};

/// The longest search or glossary query: longer than any name or phrase worth looking for.
pub const MAX_TYPED: usize = 80;

/// A pane that can hold the focus, in the order Tab moves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum Pane {
    Scene,
    Characters,
    Footnotes,
    Locations,
}

impl Pane {
    /// The panes beside the scene, in the order their tabs are shown.
    pub const SIDE: [Pane; 3] = [Pane::Characters, Pane::Footnotes, Pane::Locations];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Scene => "Scene",
            Pane::Characters => "People",
            Pane::Footnotes => "Footnotes",
            Pane::Locations => "Places",
        }
    }

    /// The position of a side pane among `SIDE`.
    fn side_index(self) -> Option<usize> {
        Self::SIDE.iter().position(|p| *p == self)
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

/// The part this reader plays in a classroom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A reader on their own.
    Alone,
    /// The presenter: its moves are announced to the console and followers.
    Presenter,
    /// The presenter's console: its own moves are sent to the presenter.
    Console,
    /// A student following the presenter.
    Follower,
}

/// Which keys apply: each has a keymap of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMode {
    Reader,
    Following,
    Presenting,
    Console,
    /// Typing into a search: letters are text.
    Typing,
}

impl KeyMode {
    pub const ALL: [KeyMode; 5] = [
        KeyMode::Reader,
        KeyMode::Following,
        KeyMode::Presenting,
        KeyMode::Console,
        KeyMode::Typing,
    ];
}

/// What a presentation shows in full instead of the scene, if anything, in the order the key
/// cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum Panel {
    None,
    People,
    Map,
    Footnotes,
    Timeline,
}

/// The value after `value` (or before it) in the order of its enum, round the end.
fn cycled<T: VariantArray + Copy + PartialEq>(value: T, forward: bool) -> T {
    let all = T::VARIANTS;
    let i = all.iter().position(|v| *v == value).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
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

    /// At 00:00 and stopped: never started, or reset since.
    pub fn is_untouched(&self) -> bool {
        self.since.is_none() && self.banked.is_zero()
    }

    /// What changes only when the timer is started, stopped or reset: with whether it runs,
    /// enough to tell those apart, while its seconds go by unannounced.
    fn state(&self) -> (bool, Duration) {
        (self.is_running(), self.banked)
    }

    fn toggle(&mut self, now: Instant) {
        self.now = Some(now);
        match self.since.take() {
            Some(since) => self.banked += now.saturating_duration_since(since),
            None => self.since = Some(now),
        }
    }

    /// The timer as another izumi announced it: `elapsed` so far, running or not, as of `now`.
    fn announced(elapsed: Duration, running: bool, now: Instant) -> Timer {
        Timer {
            banked: elapsed,
            since: running.then_some(now),
            now: Some(now),
        }
    }
}

/// An entry that can be opened in full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Character(CharacterId),
    Footnote(FootnoteId),
    EditorNote(EditorNoteId),
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
    /// A follower writes a question to the teacher: letters are text, Enter sends, Esc cancels.
    Writing,
    /// A follower: the students' questions the teacher has shown; Enter votes for the picked one.
    Board,
    /// "Check yourself": an episode's questions, one at a time, for a reader alone.
    Check,
    /// The contents: every episode with its scenes, to pick from.
    Contents,
}

/// A row of the contents: an episode's heading, or one of its scenes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentsRow {
    Episode(EpisodeId),
    Scene(SceneId),
}

impl ContentsRow {
    /// The scene picking this row goes to: a scene itself, an episode's first scene.
    pub fn scene(self, story: &Story) -> SceneId {
        match self {
            ContentsRow::Episode(episode) => story.first_scene_of(episode),
            ContentsRow::Scene(scene) => scene,
        }
    }
}

/// What people, places and terms tell a reader on their own: as far as they have read (the
/// default for a first reading), or everything (the default once they have reached the end).
/// A follower who may not read ahead is told what the presenter has shown, whatever they chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Telling {
    /// What the scenes up to the furthest one read have told.
    AsRead,
    /// The whole story's.
    Everything,
}

impl Telling {
    /// The other choice.
    pub fn other(self) -> Self {
        match self {
            Telling::AsRead => Telling::Everything,
            Telling::Everything => Telling::AsRead,
        }
    }

    /// Every choice, in the order a configuration file's help lists them.
    pub const ALL: [Telling; 2] = [Telling::AsRead, Telling::Everything];

    /// The name a configuration file gives it: `as-read`, `everything`.
    pub fn name(self) -> &'static str {
        match self {
            Telling::AsRead => "as-read",
            Telling::Everything => "everything",
        }
    }

    /// The choice a configuration file names, if it names one.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|telling| telling.name() == name)
    }

    /// What the reader is told when they choose it.
    pub fn said(self) -> &'static str {
        match self {
            Telling::AsRead => "Telling only what you have read",
            Telling::Everything => "Telling everything",
        }
    }
}

/// Where the reader is in the story and the panes.
#[derive(Clone, Debug)]
struct Reading {
    scene: SceneId,
    /// The furthest scene the reader has opened: what the story has told them so far.
    furthest_read: SceneId,
    /// The furthest scene opened since izumi started: for a presenter, what the class has
    /// been shown.
    furthest_shown: SceneId,
    /// What the reader chose to be told, if they chose (a key, the configuration).
    telling: Option<Telling>,
    focus: Pane,
    /// The side pane shown when only one fits.
    side: Pane,
    scene_scroll: u16,
    /// The selected entry of each side pane, in `Pane::SIDE` order.
    selected: [usize; 3],
    /// Scenes the reader jumped away from, most recent last.
    history: Vec<SceneId>,
    show_map: bool,
    /// The reader's preference: a timeline strip where it fits.
    show_timeline: bool,
}

/// The overlay on top, if any.
#[derive(Clone, Debug, Default)]
struct Overlays {
    open: Option<Overlay>,
    scroll: u16,
    /// The highlighted row of the overlay's list.
    pick: usize,
}

/// A reader checking themselves on an episode's questions, and the answers they gave.
#[derive(Clone, Debug, Default, PartialEq)]
struct Checking {
    /// The episode whose questions are shown, while the check is open.
    episode: Option<EpisodeId>,
    /// The question shown, by position among the episode's.
    at: usize,
    /// Moving on past the episode's last scene opened it: finishing it moves on.
    then_move_on: bool,
    /// Episodes whose check was offered on moving past their last scene, this sitting: it is
    /// offered once, and the next move goes on.
    offered: Vec<EpisodeId>,
    /// The reader's answers: the choice picked, by question id.
    answers: BTreeMap<String, usize>,
}

/// The search of the whole story and the glossary's own search.
#[derive(Debug, Default)]
struct Searching {
    /// What the reader searches the whole story for; kept after the search closes, for `n`/`N`
    /// and for highlighting it in the scene.
    query: String,
    /// The hits of `query`, best first.
    hits: Vec<Hit>,
    /// Every searchable string, folded; built the first time the reader searches.
    index: Option<SearchIndex>,
    /// What the reader has typed into the glossary's search.
    glossary: String,
}

/// A presentation's own state.
#[derive(Clone, Debug)]
struct Presenting {
    blank: bool,
    /// Whether the QR code of the classroom's address fills the screen.
    inviting: bool,
    panel: Panel,
    /// Digits typed, naming the scene to go to on Enter.
    typed_number: String,
    timer: Timer,
}

/// The link to a classroom.
#[derive(Clone, Debug)]
struct Classroom {
    role: Role,
    /// The scene the presenter shows, when following one.
    presenter_scene: Option<SceneId>,
    /// Whether the link to the presenter is up, when there is one.
    linked: Option<bool>,
    /// The wall clock, for the presenter's console.
    clock: Option<TimeOfDay>,
    /// What the presenter last announced: scene, blank, and the timer's state (running, time
    /// counted before the current run). Not the seconds: everyone counts those themselves.
    announced: Option<(SceneId, bool, (bool, Duration))>,
    /// Following without reading ahead: the furthest scene the presenter has shown, which this
    /// reader may not go past, nor see listed or found beyond.
    limit: Option<SceneId>,
    /// How students join the presenter (the `ssh` command, what to check), for its screen.
    invitations: Vec<String>,
    /// What the class sees of the questions, as last heard.
    class: crate::asking::Class,
    /// What the teacher sees (presenter and console), as last heard.
    desk: crate::asking::Desk,
    /// A follower's own answer: the question's number and the choice, as last pressed.
    chosen: Option<(u32, usize)>,
    /// What a follower is writing to the teacher.
    writing: String,
    /// The console's picked student question, by position in the desk's list.
    posted_pick: usize,
}

/// The reader's whole state.
#[derive(Debug)]
pub struct App {
    /// Shared, never changed in place: many readers in one process (SSH followers) read one
    /// copy; a reload replaces it.
    story: Arc<Story>,
    mode: Mode,
    reading: Reading,
    overlay: Overlays,
    searching: Searching,
    /// Bookmarked scenes, in the order they were set.
    bookmarks: Vec<SceneId>,
    checking: Checking,
    presenting: Presenting,
    classroom: Classroom,
    /// A message for the reader, shown until their next key.
    status: Option<String>,
    /// Problems in the watched story folder, one located message each.
    problems: Vec<String>,
    /// Effects asked for by the action being applied, handed out by `update`.
    outbox: Vec<Effect>,
    /// The place and bookmarks last saved, when the reader's place is remembered.
    remembered: Option<Saved>,
    /// The last frame's layout.
    frame: Geometry,
    /// Set when reading is over: whether by Ctrl-C.
    ended: Option<bool>,
}

impl App {
    /// A reader on their own at the first scene; the story is the reader's own or shared.
    pub fn new(story: impl Into<Arc<Story>>) -> Self {
        let mut app = Self {
            story: story.into(),
            mode: Mode::Reader,
            reading: Reading {
                scene: SceneId(0),
                furthest_read: SceneId(0),
                furthest_shown: SceneId(0),
                telling: None,
                focus: Pane::Scene,
                side: Pane::Characters,
                scene_scroll: 0,
                selected: [0; 3],
                history: Vec::new(),
                show_map: true,
                show_timeline: true,
            },
            overlay: Overlays::default(),
            searching: Searching::default(),
            bookmarks: Vec::new(),
            checking: Checking::default(),
            presenting: Presenting {
                blank: false,
                inviting: false,
                panel: Panel::None,
                typed_number: String::new(),
                timer: Timer::default(),
            },
            classroom: Classroom {
                role: Role::Alone,
                presenter_scene: None,
                linked: None,
                clock: None,
                announced: None,
                limit: None,
                invitations: Vec::new(),
                class: Default::default(),
                desk: Default::default(),
                chosen: None,
                writing: String::new(),
                posted_pick: 0,
            },
            status: None,
            problems: Vec::new(),
            outbox: Vec::new(),
            remembered: None,
            frame: Geometry::default(),
            ended: None,
        };
        app.go_to(SceneId(0));
        app
    }

    /// The same reader in a classroom part: the presenter starts presenting, the console shows
    /// the console.
    pub fn with_role(mut self, role: Role) -> Self {
        self.classroom.role = role;
        match role {
            Role::Presenter => self.start_presenting(),
            Role::Console => self.mode = Mode::Console,
            Role::Alone | Role::Follower => {}
        }
        self
    }

    /// The reader's layout preferences: the places as a map, the timeline strip.
    pub fn with_layout(mut self, map: bool, timeline: bool) -> Self {
        self.reading.show_map = map;
        self.reading.show_timeline = timeline;
        self
    }

    /// What the reader chose to be told, from the configuration: `None` leaves the default
    /// (as far as they have read, everything once they have reached the end).
    pub fn telling_chosen(mut self, telling: Option<Telling>) -> Self {
        self.reading.telling = telling;
        self
    }

    /// A follower who may read back to the start but not past `furthest`, the furthest scene
    /// the presenter has shown (the presenter did not let the class read ahead). The limit
    /// grows as the presenter goes on; no move, list, search hit or `n` goes beyond it.
    pub fn reading_up_to(mut self, furthest: usize) -> Self {
        let last = self.story.scenes.len() - 1;
        self.classroom.limit = Some(SceneId(furthest.min(last)));
        self.go_to(self.reading.scene);
        self
    }

    /// Starts at a scene.
    pub fn at(mut self, scene: SceneId) -> Self {
        self.go_to(scene);
        self
    }

    /// Takes up a saved place (a presenter's own, apart from the reader's) and bookmarks (ids
    /// no longer in the story are left out), and remembers them from now on: every change is an [`Effect::Save`]. Nothing is saved until
    /// the reader changes something.
    pub fn remembering(mut self, saved: &Saved) -> Self {
        self.restore(saved);
        self.remembered = Some(self.saved());
        self
    }

    /// The presenter's screen says how students join: one line each, the first the most
    /// needed (the command), the rest shown where there is room.
    pub fn with_invitations(mut self, invitations: Vec<String>) -> Self {
        self.classroom.invitations = invitations;
        self
    }

    /// How students join, as the presenter's screen shows it.
    /// What the class sees of the questions, as last heard.
    pub fn class(&self) -> &crate::asking::Class {
        &self.classroom.class
    }

    /// What the teacher sees of them: the live tally, every student's question.
    pub fn desk(&self) -> &crate::asking::Desk {
        &self.classroom.desk
    }

    /// The role this reader plays in a classroom.
    pub fn role(&self) -> Role {
        self.classroom.role
    }

    /// A follower's own answer to the question up now, as last pressed.
    pub fn chosen(&self) -> Option<usize> {
        let poll = self.classroom.class.poll.as_ref()?;
        self.classroom
            .chosen
            .filter(|(number, _)| *number == poll.asked.number)
            .map(|(_, choice)| choice)
    }

    /// What a follower is writing to the teacher.
    pub fn writing(&self) -> &str {
        &self.classroom.writing
    }

    /// The console's picked student question, by position in the desk's list.
    pub fn posted_pick(&self) -> usize {
        self.classroom
            .posted_pick
            .min(self.classroom.desk.posted.len().saturating_sub(1))
    }

    /// The student's question on the projector, if one is: its text from the class's board.
    pub fn spotlit(&self) -> Option<&crate::asking::Posted> {
        let class = &self.classroom.class;
        let number = class.spotlight?;
        class.board.iter().find(|posted| posted.number == number)
    }

    pub fn invitations(&self) -> &[String] {
        &self.classroom.invitations
    }

    /// Starts with a message for the reader.
    pub fn with_status(mut self, message: Option<String>) -> Self {
        if message.is_some() {
            self.status = message;
        }
        self
    }

    pub fn story(&self) -> &Story {
        &self.story
    }

    /// The story, to share with others who read it (the classroom's doors).
    pub fn shared_story(&self) -> Arc<Story> {
        Arc::clone(&self.story)
    }

    pub fn scene(&self) -> SceneId {
        self.reading.scene
    }

    pub fn episode(&self) -> EpisodeId {
        self.story.scene(self.reading.scene).episode
    }

    pub fn focus(&self) -> Pane {
        self.reading.focus
    }

    /// The side pane shown when only one fits: the focused one, or the last one focused.
    pub fn side_pane(&self) -> Pane {
        self.reading.side
    }

    pub fn scene_scroll(&self) -> u16 {
        self.reading.scene_scroll
    }

    pub fn overlay(&self) -> Option<Overlay> {
        self.overlay.open
    }

    pub fn overlay_scroll(&self) -> u16 {
        self.overlay.scroll
    }

    /// The highlighted row of the open overlay's list.
    pub fn pick(&self) -> usize {
        self.overlay.pick
    }

    /// The scenes the open overlay lets the reader pick from (those the reader may read).
    pub fn pickable_scenes(&self) -> Vec<SceneId> {
        let mut scenes = match self.overlay.open {
            Some(Overlay::Entry(entry)) => links::scenes_of(&self.story, entry),
            Some(Overlay::Timeline) => links::chronological(&self.story),
            Some(Overlay::Bookmarks) => self.bookmarks.clone(),
            Some(
                Overlay::Help
                | Overlay::Glossary
                | Overlay::Search
                | Overlay::Problems
                | Overlay::Writing
                | Overlay::Board
                | Overlay::Check
                | Overlay::Contents,
            )
            | None => Vec::new(),
        };
        let reach = self.reach();
        scenes.retain(|scene| reach.may_show_scene(*scene));
        scenes
    }

    /// The contents: each episode the reader may go to, followed by its scenes the reader has
    /// been told of (a follower who may not read ahead sees none past the furthest shown; a
    /// reader told only what they have read sees every episode, to go on, but no scene's title
    /// past the furthest read).
    pub fn contents(&self) -> Vec<ContentsRow> {
        let (navigable, told) = (self.navigable(), self.reach());
        let mut rows = Vec::new();
        for index in 0..self.story.episodes.len() {
            let episode = EpisodeId(index);
            if !navigable.may_show_episode(episode) {
                continue;
            }
            rows.push(ContentsRow::Episode(episode));
            let scenes = told.scenes_of(episode).map(SceneId);
            rows.extend(scenes.map(ContentsRow::Scene));
        }
        rows
    }

    /// Whether scenes the reader may go to are left out of lists because they have not read
    /// them yet (and chose to be told only what they have read).
    pub fn scenes_untold(&self) -> bool {
        let last = SceneId(self.story.scenes.len() - 1);
        !self.reach().may_show_scene(self.navigable().clamp(last))
    }

    /// The furthest scene this reader may go to, when following without reading ahead.
    pub fn reading_limit(&self) -> Option<SceneId> {
        self.classroom.limit
    }

    /// The scenes this reader may open: all of them, or, following without reading ahead,
    /// those up to the furthest one shown. Only moves ask it; what is told is [`App::reach`].
    fn navigable(&self) -> Reach<'_> {
        Reach::limited_to(&self.story, self.classroom.limit)
    }

    /// The furthest scene this reader has opened.
    pub fn furthest_read(&self) -> SceneId {
        self.reading.furthest_read
    }

    /// Whether the reader has read to the last scene.
    pub fn has_read_to_the_end(&self) -> bool {
        self.reading.furthest_read.index() + 1 >= self.story.scenes.len()
    }

    /// Whether what is told is what the class has been shown, whatever this reader chose: a
    /// follower who may not read ahead, and the presenter (whose screen the class sees).
    pub fn told_as_shown(&self) -> bool {
        self.classroom.limit.is_some() || self.classroom.role == Role::Presenter
    }

    /// What people, places and terms tell this reader: as far as they have read unless they
    /// chose everything (or have read to the end and chose nothing). A follower who may not read
    /// ahead is told as far as the presenter has shown, whatever they chose.
    pub fn telling(&self) -> Telling {
        if self.told_as_shown() {
            return Telling::AsRead;
        }
        self.reading
            .telling
            .unwrap_or(if self.has_read_to_the_end() {
                Telling::Everything
            } else {
                Telling::AsRead
            })
    }

    /// What this reader may be told of the story (the told horizon): following without reading
    /// ahead, what the scenes up to the furthest one shown hold; else everything, or what the
    /// scenes up to the furthest one read hold. Every pane, overlay, list and search asks it.
    pub fn reach(&self) -> Reach<'_> {
        if let Some(limit) = self.classroom.limit {
            return Reach::up_to(&self.story, limit);
        }
        if self.classroom.role == Role::Presenter {
            return Reach::up_to(&self.story, self.reading.furthest_shown);
        }
        match self.telling() {
            Telling::Everything => Reach::everything(&self.story),
            Telling::AsRead => Reach::up_to(&self.story, self.reading.furthest_read),
        }
    }

    /// Whether this reader may see an entry: a person, place, term or note that only scenes
    /// past the reading limit hold is not theirs to open.
    pub fn may_show(&self, entry: Entry) -> bool {
        let reach = self.reach();
        match entry {
            Entry::Character(id) => reach.may_show_person(id),
            Entry::Footnote(id) => reach.may_show_footnote(id),
            Entry::EditorNote(id) => reach.may_show_editor_note(id),
            Entry::Location(id) => reach.may_show_place(id),
            Entry::Term(id) => reach.may_show_term(id),
        }
    }

    /// The glossary terms the open glossary lists (those the reader may see).
    pub fn pickable_terms(&self) -> Vec<TermId> {
        let reach = self.reach();
        let mut terms = links::glossary(&self.story, self.reading.scene, &self.searching.glossary);
        terms.retain(|term| reach.may_show_term(*term));
        terms
    }

    /// The places the places pane lists, in the order the story first goes there: every place,
    /// or those the scenes the reader may read hold.
    pub fn listed_places(&self) -> Vec<LocationId> {
        self.reach().places()
    }

    /// What the reader has typed into the glossary's search.
    pub fn search(&self) -> &str {
        &self.searching.glossary
    }

    /// Whether keys are being typed into a search rather than used as commands.
    pub fn is_typing(&self) -> bool {
        matches!(
            self.overlay.open,
            Some(Overlay::Glossary | Overlay::Search | Overlay::Writing)
        )
    }

    /// The keys that apply now.
    pub fn key_mode(&self) -> KeyMode {
        if self.is_typing() {
            KeyMode::Typing
        } else {
            self.screen_key_mode()
        }
    }

    /// The keys of the screen under any overlay: what the help describes.
    pub fn screen_key_mode(&self) -> KeyMode {
        match (self.mode, self.classroom.role) {
            (Mode::Presentation, _) => KeyMode::Presenting,
            (Mode::Console, _) => KeyMode::Console,
            (Mode::Reader, Role::Follower) => KeyMode::Following,
            (Mode::Reader, _) => KeyMode::Reader,
        }
    }

    /// How many jumps `GoBack` can undo.
    pub fn history_len(&self) -> usize {
        self.reading.history.len()
    }

    /// Whether the timeline strip is shown where it fits.
    pub fn show_timeline(&self) -> bool {
        self.reading.show_timeline
    }

    /// Whether the places pane shows a map (where it fits) rather than a list.
    pub fn show_map(&self) -> bool {
        self.reading.show_map
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The invitations to show big, with a QR code of the web address, while they are shown.
    pub fn invitation_shown(&self) -> Option<&[String]> {
        self.presenting
            .inviting
            .then_some(self.classroom.invitations.as_slice())
    }

    /// Whether a presentation is blanked out.
    pub fn is_blank(&self) -> bool {
        self.presenting.blank
    }

    pub fn panel(&self) -> Panel {
        self.presenting.panel
    }

    pub fn timer(&self) -> Timer {
        self.presenting.timer
    }

    /// The scene the presenter shows, when following one.
    pub fn presenter_scene(&self) -> Option<SceneId> {
        self.classroom.presenter_scene
    }

    /// A follower away from the presenter: the presenter's scene, while the follower reads
    /// another (they are not moved until they follow again).
    pub fn away_from_presenter(&self) -> Option<SceneId> {
        let presenter = self.classroom.presenter_scene?;
        (self.classroom.role == Role::Follower && presenter != self.reading.scene)
            .then_some(presenter)
    }

    /// Whether the link to the presenter is up (`None` when there is no presenter).
    pub fn linked(&self) -> Option<bool> {
        self.classroom.linked
    }

    /// The wall clock as last told, if it was.
    pub fn clock(&self) -> Option<TimeOfDay> {
        self.classroom.clock
    }

    /// The scene number being typed in a presentation, if any.
    pub fn typed_number(&self) -> &str {
        &self.presenting.typed_number
    }

    pub fn should_quit(&self) -> bool {
        self.ended.is_some()
    }

    /// Whether the reader left with Ctrl-C rather than by quitting.
    pub fn was_interrupted(&self) -> bool {
        self.ended == Some(true)
    }

    /// The last frame's layout, as measured by drawing it.
    pub fn geometry(&self) -> &Geometry {
        &self.frame
    }

    /// The selected entry's position in the pane's list.
    pub fn selected(&self, pane: Pane) -> usize {
        pane.side_index()
            .map_or(0, |side| self.reading.selected[side])
    }

    /// The entry selected in a pane, if the pane has one.
    pub fn selected_entry(&self, pane: Pane) -> Option<Entry> {
        let scene = self.story.scene(self.reading.scene);
        let selected = self.selected(pane);
        match pane {
            Pane::Scene => None,
            Pane::Characters => scene.characters.get(selected).map(|c| Entry::Character(*c)),
            // The footnotes pane lists the footnotes, then the editor's notes.
            Pane::Footnotes => match selected.checked_sub(scene.footnotes.len()) {
                None => scene.footnotes.get(selected).map(|f| Entry::Footnote(*f)),
                Some(note) => scene.editor_notes.get(note).map(|e| Entry::EditorNote(*e)),
            },
            Pane::Locations => self
                .listed_places()
                .get(selected)
                .map(|l| Entry::Location(*l)),
        }
    }

    /// The watched story's problems, when it has any.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn bookmarks(&self) -> &[SceneId] {
        &self.bookmarks
    }

    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// What the reader last searched for (empty if nothing).
    pub fn query(&self) -> &str {
        &self.searching.query
    }

    /// The hits of the query, best first.
    pub fn hits(&self) -> &[Hit] {
        &self.searching.hits
    }

    /// The search index, once the reader has searched.
    pub fn search_index(&self) -> Option<&SearchIndex> {
        self.searching.index.as_ref()
    }

    /// The place and bookmarks to remember: a presenter's place is kept apart from a reader's
    /// (it leaves the reader's alone, and the reader the presenter's).
    pub fn saved(&self) -> Saved {
        let id = |scene: &SceneId| self.story.scene(*scene).id.clone();
        let place = Some(id(&self.reading.scene));
        let (scene, presented) = if self.classroom.role == Role::Presenter {
            (None, place)
        } else {
            (place, None)
        };
        Saved {
            scene,
            presented,
            read: Some(id(&self.reading.furthest_read)),
            bookmarks: self.bookmarks.iter().map(id).collect(),
            answers: self.checking.answers.clone(),
            other: Default::default(),
        }
    }

    /// The check open now: the episode, and the question shown among its questions.
    pub fn check(&self) -> Option<(EpisodeId, usize)> {
        self.checking
            .episode
            .filter(|_| self.overlay.open == Some(Overlay::Check))
            .map(|episode| (episode, self.checking.at))
    }

    /// The question the open check shows, with the scene it is about, and how many the
    /// episode has.
    pub fn checked_question(&self) -> Option<(SceneId, &Question, usize)> {
        let (episode, at) = self.check()?;
        let questions: Vec<(SceneId, &Question)> = self.story.questions_of(episode).collect();
        let count = questions.len();
        questions
            .into_iter()
            .nth(at)
            .map(|(scene, question)| (scene, question, count))
    }

    /// The reader's answer to a question, by its id: the choice picked.
    pub fn answer_of(&self, question: &str) -> Option<usize> {
        self.checking.answers.get(question).copied()
    }

    /// Every answer the reader gave, by question id.
    pub fn answers(&self) -> &BTreeMap<String, usize> {
        &self.checking.answers
    }

    /// Applies an action: says whether anything visible changed, so the caller can skip a
    /// redraw, and what the world should do about it.
    pub fn update(&mut self, action: Action) -> Changes {
        let before = self.snapshot();
        let scene_before = self.reading.scene;
        let from_reader = action.is_from_reader();
        // What the class sees changed: drawn again, whatever else did.
        let heard = matches!(action, Action::Class(_) | Action::Desk(_));
        // A message is shown until the reader does something.
        if from_reader {
            self.status = None;
        }
        self.apply(action);
        let mut effects = std::mem::take(&mut self.outbox);
        if self.remembered.is_some() {
            let now = self.saved();
            if self.remembered.as_ref() != Some(&now) {
                self.remembered = Some(now.clone());
                effects.push(Effect::Save(now));
            }
        }
        match self.classroom.role {
            Role::Presenter => {
                // The lesson starts moving: a timer still at 00:00 starts by itself, as of the
                // latest moment the app was told (the host tells it before every input).
                if self.mode == Mode::Presentation
                    && self.reading.scene != scene_before
                    && self.presenting.timer.is_untouched()
                    && let Some(now) = self.presenting.timer.now
                {
                    self.presenting.timer.toggle(now);
                }
                let timer = self.presenting.timer;
                let now = (self.reading.scene, self.presenting.blank, timer.state());
                if self.classroom.announced != Some(now) {
                    self.classroom.announced = Some(now);
                    effects.push(Effect::Announce(Announcement {
                        scene: self.reading.scene.index(),
                        elapsed: timer.elapsed(),
                        running: timer.is_running(),
                        blank: self.presenting.blank,
                    }));
                }
            }
            // The console moves the presentation, but only with its own user's moves: a move
            // the presenter announced is not sent back.
            Role::Console if from_reader && self.reading.scene != scene_before => {
                effects.push(Effect::Goto(self.reading.scene.index()));
            }
            Role::Alone | Role::Console | Role::Follower => {}
        }
        if let Some(interrupted) = self.ended {
            effects.push(Effect::Quit { interrupted });
        }
        Changes {
            redraw: heard || self.snapshot() != before,
            effects,
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Interrupt => self.ended = Some(true),
            Action::Measured(frame) => {
                self.frame = frame;
                self.reading.scene_scroll = self.reading.scene_scroll.min(self.max_scene_scroll());
                self.overlay.scroll = self.overlay.scroll.min(self.max_overlay_scroll());
            }
            Action::Status(message) => self.status = Some(message),
            Action::Reload(story) => self.reload(story),
            Action::Problems(problems) => {
                self.problems = problems;
                self.open_overlay(Overlay::Problems);
            }
            Action::Linked(up) => self.classroom.linked = Some(up),
            Action::Class(class) => {
                // A new question: the answer pressed for the last one is not this one's.
                let number = class.poll.as_ref().map(|poll| poll.asked.number);
                if self.classroom.chosen.map(|(n, _)| n) != number {
                    self.classroom.chosen = None;
                }
                if self.overlay.open == Some(Overlay::Board) {
                    self.overlay.pick = self.overlay.pick.min(class.board.len().saturating_sub(1));
                }
                self.classroom.class = class;
            }
            Action::Desk(desk) => self.classroom.desk = desk,
            Action::Clock(time) => self.classroom.clock = Some(time),
            Action::Tick(now) => self.presenting.timer.now = Some(now),
            Action::Presenter(announced, now) => self.presenter_at(announced, now),
            Action::ShownUpTo(furthest) => self.raise_limit(furthest),
            Action::GoToScene(index) if index < self.story.scenes.len() => {
                self.close_overlay();
                self.go_to(SceneId(index));
            }
            Action::GoToScene(_) => {}
            Action::Control(control, now) => self.control(control, now),
            Action::Blanked(blank) if self.mode == Mode::Console => self.presenting.blank = blank,
            Action::Blanked(_) => {}
            Action::Click(column, row) => self.mouse(mouse::Gesture::Click, column, row),
            Action::Wheel { up, column, row } => {
                let gesture = if up {
                    mouse::Gesture::WheelUp
                } else {
                    mouse::Gesture::WheelDown
                };
                self.mouse(gesture, column, row);
            }
            action => self.command(action),
        }
    }

    /// What the reader asked for, by key or mouse, handled by what is on screen: a
    /// presentation first, then the open overlay, then the reader.
    fn command(&mut self, action: Action) {
        if self.presenting.inviting {
            // Any key puts the QR code away, as a key brings back a blanked screen.
            self.presenting.inviting = false;
            if !matches!(action, Action::Quit | Action::Interrupt) {
                return;
            }
        } else if action == Action::ShowInvitation {
            if self.classroom.invitations.is_empty() {
                self.status = Some(
                    "No address to show: present with --web or --ssh to serve the class".to_owned(),
                );
            } else {
                self.presenting.inviting = true;
            }
            return;
        }
        if self.mode == Mode::Console
            && self.overlay.open.is_none()
            && self.command_console(&action)
        {
            return;
        }
        if self.command_asking(&action) {
            return;
        }
        if self.mode == Mode::Presentation && self.command_presenting(&action) {
            return;
        }
        if self.overlay.open == Some(Overlay::Check) {
            if self.command_in_check(&action) {
                return;
            }
        } else if let Some(overlay) = self.overlay.open
            && self.command_in_overlay(overlay, &action)
        {
            return;
        }
        self.command_reading(action);
    }

    /// The class's questions: the teacher's keys on the projector and the console, a follower's
    /// answers, questions and votes. `false` leaves the action to the rest.
    fn command_asking(&mut self, action: &Action) -> bool {
        use crate::asking::{Ask, Moderation};
        let teacher = matches!(self.classroom.role, Role::Presenter | Role::Console);
        let follower = self.classroom.role == Role::Follower;
        let blank = self.mode == Mode::Presentation && self.presenting.blank;
        // Help and problems take every key while they are open.
        let swallowed = matches!(self.overlay.open, Some(Overlay::Help | Overlay::Problems));
        let ask = match action {
            // A blanked projector's first key only brings the picture back.
            _ if blank || swallowed => return false,
            Action::AskQuestion if teacher => Ask::SceneQuestion,
            Action::Reveal if teacher => Ask::Reveal,
            Action::Quick(kind) if teacher => Ask::Quick(*kind),
            Action::TakeDown if teacher => Ask::TakeDown,
            Action::ShowPosted | Action::DismissPosted | Action::Spotlight
                if self.mode == Mode::Console =>
            {
                let Some(posted) = self.classroom.desk.posted.get(self.posted_pick()) else {
                    self.status = Some("No student's question to pick".to_owned());
                    return true;
                };
                match action {
                    Action::ShowPosted => Ask::Moderate(posted.number, Moderation::Shown),
                    Action::DismissPosted => Ask::Moderate(posted.number, Moderation::Dismissed),
                    _ if self.classroom.class.spotlight == Some(posted.number) => {
                        Ask::Spotlight(None)
                    }
                    _ => Ask::Spotlight(Some(posted.number)),
                }
            }
            Action::Up | Action::Down
                if self.mode == Mode::Console && self.overlay.open.is_none() =>
            {
                let last = self.classroom.desk.posted.len().saturating_sub(1);
                let delta = if *action == Action::Up { -1 } else { 1 };
                self.classroom.posted_pick = step(self.posted_pick(), delta, last);
                return true;
            }
            Action::Digit(digit) if follower => {
                let Some(poll) = &self.classroom.class.poll else {
                    return false;
                };
                let choices = poll.asked.choices.len();
                let choice = usize::from(*digit);
                if !poll.open {
                    self.status = Some("Answers are closed".to_owned());
                    return true;
                }
                if !(1..=choices).contains(&choice) {
                    self.status = Some(format!("Answer with 1–{choices}"));
                    return true;
                }
                let question = poll.asked.number;
                self.classroom.chosen = Some((question, choice - 1));
                // A list open over the scene closes: the answer is what the key was for.
                if self.overlay.open.is_some() {
                    self.close_overlay();
                }
                Ask::Answer {
                    question,
                    choice: choice - 1,
                }
            }
            Action::WriteQuestion if follower => {
                self.open_overlay(Overlay::Writing);
                return true;
            }
            Action::ShowBoard if follower => {
                if self.classroom.class.board.is_empty() {
                    self.status =
                        Some("The teacher has shown no student's question yet".to_owned());
                } else {
                    self.open_overlay(Overlay::Board);
                }
                return true;
            }
            _ => return false,
        };
        self.outbox.push(Effect::Ask(ask));
        true
    }

    /// The console runs the projector: its timer and blank go to the presenter as requests
    /// (the presenter's announcement then shows them here), and digits type a scene number
    /// that Enter goes to, as on the projector. `false` leaves the action to the rest.
    fn command_console(&mut self, action: &Action) -> bool {
        let control = match action {
            Action::ToggleTimer(_) if self.presenting.timer.is_running() => Control::PauseTimer,
            Action::ToggleTimer(_) => Control::StartTimer,
            Action::ResetTimer => Control::ResetTimer,
            Action::ToggleBlank => Control::Blank(!self.presenting.blank),
            Action::Digit(digit) => {
                if self.presenting.typed_number.len() < 6 {
                    self.presenting.typed_number.push(char::from(b'0' + digit));
                }
                return true;
            }
            Action::Open if !self.presenting.typed_number.is_empty() => {
                let number: usize = self.presenting.typed_number.parse().unwrap_or(0);
                self.presenting.typed_number.clear();
                let count = self.story.scenes.len();
                if (1..=count).contains(&number) {
                    self.jump_to(SceneId(number - 1));
                } else {
                    self.status = Some(format!("No scene {number}: scenes are 1–{count}"));
                }
                return true;
            }
            Action::Back if !self.presenting.typed_number.is_empty() => {
                self.presenting.typed_number.clear();
                return true;
            }
            _ => return false,
        };
        self.outbox.push(Effect::Control(control));
        true
    }

    /// The presenter: what a console or the remote asked of the timer or the blank.
    fn control(&mut self, control: Control, now: Instant) {
        let timer = &mut self.presenting.timer;
        match control {
            Control::StartTimer if !timer.is_running() => timer.toggle(now),
            Control::PauseTimer if timer.is_running() => timer.toggle(now),
            Control::StartTimer | Control::PauseTimer => timer.now = Some(now),
            Control::ResetTimer => {
                *timer = Timer {
                    now: Some(now),
                    ..Timer::default()
                }
            }
            Control::Blank(blank) if self.mode == Mode::Presentation => {
                self.presenting.blank = blank;
            }
            Control::Blank(_) => {}
        }
    }

    /// What a presentation does with an action; `false` leaves it to the overlay and reader.
    fn command_presenting(&mut self, action: &Action) -> bool {
        let presenting = &mut self.presenting;
        if presenting.blank {
            if !matches!(action, Action::Quit) {
                // Any key brings the picture back, as with a projector remote.
                presenting.blank = false;
                return true;
            }
            return false;
        }
        match action {
            Action::TogglePresentation => self.leave_presentation(),
            Action::ToggleBlank => presenting.blank = true,
            Action::ToggleTimer(now) => presenting.timer.toggle(*now),
            Action::ResetTimer => presenting.timer = Timer::default(),
            Action::CyclePanel => presenting.panel = cycled(presenting.panel, true),
            Action::Digit(digit) if presenting.typed_number.len() < 6 => {
                presenting.typed_number.push(char::from(b'0' + digit));
            }
            Action::Digit(_) => {}
            Action::Open if !presenting.typed_number.is_empty() => {
                let number: usize = presenting.typed_number.parse().unwrap_or(0);
                presenting.typed_number.clear();
                if (1..=self.story.scenes.len()).contains(&number) {
                    self.jump_to(SceneId(number - 1));
                }
            }
            Action::Back if !presenting.typed_number.is_empty() => presenting.typed_number.clear(),
            Action::Back if presenting.panel != Panel::None => presenting.panel = Panel::None,
            Action::Back if self.overlay.open.is_some() => return false,
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

    /// What the open overlay does with an action; `false` leaves it to the reader (after
    /// closing a list overlay, so that moving on closes what was open).
    fn command_in_overlay(&mut self, overlay: Overlay, action: &Action) -> bool {
        let page = i32::from(self.overlay_page());
        match (overlay, action) {
            (Overlay::Writing, Action::Back) => {
                self.classroom.writing.clear();
                self.close_overlay();
            }
            (Overlay::Writing, Action::Type(c)) => {
                let writing = &mut self.classroom.writing;
                if writing.chars().count() < crate::asking::LONGEST_QUESTION && !c.is_control() {
                    writing.push(*c);
                }
            }
            (Overlay::Writing, Action::Erase) => {
                self.classroom.writing.pop();
            }
            (Overlay::Writing, Action::Open) => {
                let text = std::mem::take(&mut self.classroom.writing);
                self.close_overlay();
                if text.trim().is_empty() {
                    self.status = Some("Nothing to send: the question is empty".to_owned());
                } else {
                    self.outbox.push(Effect::Ask(crate::asking::Ask::Post(
                        text.trim().to_owned(),
                    )));
                }
            }
            // Moving the scene with the keys left while writing is not possible: they type.
            (Overlay::Writing, _) => {}
            (Overlay::Board, Action::Open) => {
                if let Some(posted) = self.classroom.class.board.get(self.overlay.pick) {
                    let number = posted.number;
                    self.outbox
                        .push(Effect::Ask(crate::asking::Ask::Vote(number)));
                    self.close_overlay();
                }
            }
            (Overlay::Board, Action::ShowBoard) => self.close_overlay(),
            (_, Action::Back)
            | (Overlay::Help, Action::ToggleHelp)
            | (Overlay::Timeline, Action::ShowTimeline)
            | (Overlay::Contents, Action::ShowContents)
            | (Overlay::Bookmarks, Action::ShowBookmarks) => self.close_overlay(),
            (Overlay::Help | Overlay::Problems, Action::Up) => self.scroll_overlay(-1),
            (Overlay::Help | Overlay::Problems, Action::Down) => self.scroll_overlay(1),
            (_, Action::Up) => self.move_pick(-1),
            (_, Action::Down) => self.move_pick(1),
            (Overlay::Timeline | Overlay::Bookmarks | Overlay::Contents, Action::PageUp) => {
                self.move_pick(-page);
            }
            (Overlay::Timeline | Overlay::Bookmarks | Overlay::Contents, Action::PageDown) => {
                self.move_pick(page);
            }
            (Overlay::Contents, Action::Open) => {
                if let Some(row) = self.contents().get(self.overlay.pick).copied() {
                    self.jump_to(row.scene(&self.story));
                }
            }
            // A digit picks its episode (0 is the tenth), for Enter to go there.
            (Overlay::Contents, Action::Digit(digit)) => {
                let wanted = EpisodeId(episode_of_digit(*digit));
                match self
                    .contents()
                    .iter()
                    .position(|row| *row == ContentsRow::Episode(wanted))
                {
                    Some(at) => self.overlay.pick = at,
                    None => {
                        self.status = Some(format!("No episode {} to go to", wanted.index() + 1));
                    }
                }
            }
            (_, Action::PageUp) => self.scroll_overlay(-page),
            (_, Action::PageDown) => self.scroll_overlay(page),
            (Overlay::Glossary, Action::Type(c)) => {
                if self.searching.glossary.chars().count() < MAX_TYPED {
                    self.searching.glossary.push(*c);
                    self.overlay.pick = 0;
                }
            }
            (Overlay::Glossary, Action::Erase) => {
                self.searching.glossary.pop();
                self.overlay.pick = 0;
            }
            // A paste of a whole page must not cost a search per letter past any useful length.
            (Overlay::Search, Action::Type(c)) => {
                if self.searching.query.chars().count() < MAX_TYPED {
                    self.searching.query.push(*c);
                    self.run_search();
                }
            }
            (Overlay::Search, Action::Erase) => {
                self.searching.query.pop();
                self.run_search();
            }
            (Overlay::Search, Action::Open) => {
                if let Some(hit) = self.searching.hits.get(self.overlay.pick) {
                    self.follow(hit.target);
                }
            }
            (Overlay::Glossary, Action::Open) => {
                if let Some(term) = self.pickable_terms().get(self.overlay.pick).copied() {
                    self.open_entry(Entry::Term(term));
                }
            }
            (Overlay::Bookmarks, Action::Remove) => {
                if self.overlay.pick < self.bookmarks.len() {
                    self.bookmarks.remove(self.overlay.pick);
                    self.overlay.pick = self
                        .overlay
                        .pick
                        .min(self.bookmarks.len().saturating_sub(1));
                }
            }
            (Overlay::Entry(_) | Overlay::Timeline | Overlay::Bookmarks, Action::Open) => {
                if let Some(target) = self.pickable_scenes().get(self.overlay.pick).copied() {
                    self.jump_to(target);
                }
            }
            (_, Action::Quit) => return false,
            // Help and problems swallow everything else.
            (Overlay::Help | Overlay::Problems, _) => {}
            (_, _) => {
                self.close_overlay();
                return false;
            }
        }
        true
    }

    /// What the reader does with an action, with nothing on top.
    fn command_reading(&mut self, action: Action) {
        let last = SceneId(self.story.scenes.len() - 1);
        let scene = self.reading.scene;
        let page = i32::from(self.scene_page());
        match action {
            Action::NextScene if self.offers_check(scene) => self.open_check(self.episode(), true),
            Action::NextScene if scene < last => self.go_to(SceneId(scene.0 + 1)),
            Action::PreviousScene if scene.0 > 0 => self.go_to(SceneId(scene.0 - 1)),
            Action::NextEpisode => self.go_to_episode(self.episode().0 + 1),
            Action::PreviousEpisode => self.go_to_episode(self.episode().0.saturating_sub(1)),
            Action::SnapToPresenter => {
                if let Some(scene) = self.classroom.presenter_scene {
                    self.close_overlay();
                    self.go_to(scene);
                }
            }
            Action::Digit(digit) => self.go_to_episode(episode_of_digit(digit)),
            Action::TogglePresentation => self.start_presenting(),
            Action::FirstScene => self.go_to(SceneId(0)),
            Action::LastScene => self.go_to(last),
            Action::FocusNext => self.set_focus(cycled(self.reading.focus, true)),
            Action::FocusPrevious => self.set_focus(cycled(self.reading.focus, false)),
            Action::Up => self.move_in_focus(-1),
            Action::Down => self.move_in_focus(1),
            Action::PageUp => self.move_in_focus(-page),
            Action::PageDown => self.move_in_focus(page),
            Action::Open => {
                if let Some(entry) = self.selected_entry(self.reading.focus) {
                    self.open_entry(entry);
                }
            }
            Action::ShowTimeline => {
                self.open_overlay(Overlay::Timeline);
                self.pick_current_scene();
            }
            Action::ShowContents => {
                self.open_overlay(Overlay::Contents);
                let here = ContentsRow::Scene(self.reading.scene);
                self.overlay.pick = self
                    .contents()
                    .iter()
                    .position(|row| *row == here)
                    .unwrap_or(0);
            }
            Action::ShowGlossary => {
                self.open_overlay(Overlay::Glossary);
                self.searching.glossary.clear();
            }
            Action::Search => {
                self.open_overlay(Overlay::Search);
                self.run_search();
            }
            Action::NextHit => self.step_hits(true),
            Action::PreviousHit => self.step_hits(false),
            Action::ToggleBookmark => {
                let title = &self.story.scene(scene).title;
                self.status = Some(match self.bookmarks.iter().position(|b| *b == scene) {
                    Some(at) => {
                        self.bookmarks.remove(at);
                        format!("Bookmark on “{title}” removed")
                    }
                    None => {
                        self.bookmarks.push(scene);
                        format!("Bookmarked “{title}”")
                    }
                });
            }
            Action::ShowBookmarks => {
                self.open_overlay(Overlay::Bookmarks);
                self.pick_current_scene();
            }
            Action::Focus(pane) => self.set_focus(pane),
            Action::Select(pane, index) => {
                self.set_focus(pane);
                if let Some(side) = pane.side_index()
                    && index < self.entry_count(pane)
                {
                    self.reading.selected[side] = index;
                }
            }
            Action::OpenEntry(entry) => self.open_entry(entry),
            Action::GoBack => {
                if let Some(previous) = self.reading.history.pop() {
                    self.go_to(previous);
                }
            }
            Action::ToggleMap => self.reading.show_map = !self.reading.show_map,
            Action::ToggleTelling => self.toggle_telling(),
            Action::ToggleHelp => self.open_overlay(Overlay::Help),
            Action::CheckYourself => self.open_check(self.episode(), false),
            // Esc closes things; at the top level, where a second press of it meant to close
            // an overlay would drop the reader to the shell, it only says so.
            Action::Back => self.status = Some("Nothing is open to close".to_owned()),
            Action::Quit => self.ended = Some(false),
            _ => {}
        }
    }

    /// A click or a turn of the wheel, on whatever the last frame showed there.
    fn mouse(&mut self, gesture: mouse::Gesture, column: u16, row: u16) {
        let Some(spot) = self.frame.spot(column, row) else {
            return;
        };
        for action in mouse::actions(self, spot, gesture) {
            self.command(action);
        }
    }

    /// The presenter announced where it is: a follower or console goes there, and the console
    /// takes up the presenter's timer.
    fn presenter_at(&mut self, announced: Announcement, now: Instant) {
        if self.mode == Mode::Console {
            self.presenting.timer = Timer::announced(announced.elapsed, announced.running, now);
        }
        if announced.scene >= self.story.scenes.len() {
            return;
        }
        let scene = SceneId(announced.scene);
        // What the presenter shows has been shown: a follower may read it.
        self.raise_limit(announced.scene);
        // A follower who is away (on another scene, or with an entry or list open) stays
        // where they are, told where the presenter is; one who was with the presenter moves
        // along, as a console always does.
        let away = self.classroom.role == Role::Follower
            && self
                .classroom
                .presenter_scene
                .is_some_and(|was| self.reading.scene != was || self.overlay.open.is_some());
        self.classroom.presenter_scene = Some(scene);
        if self.reading.scene != scene && !away {
            self.close_overlay();
            self.go_to(scene);
        }
    }

    /// The presenter has shown scenes up to `furthest`: a reader with a limit may read that far.
    /// The limit only grows; what was found before is found again within the new one.
    fn raise_limit(&mut self, furthest: usize) {
        let last = self.story.scenes.len() - 1;
        if let Some(limit) = self.classroom.limit
            && furthest > limit.index()
        {
            self.classroom.limit = Some(SceneId(furthest.min(last)));
            self.find_hits();
        }
    }

    fn start_presenting(&mut self) {
        self.close_overlay();
        self.mode = Mode::Presentation;
        self.set_focus(Pane::Scene);
        self.reading.scene_scroll = 0;
    }

    fn leave_presentation(&mut self) {
        self.mode = Mode::Reader;
        self.presenting.panel = Panel::None;
        self.presenting.typed_number.clear();
        self.reading.scene_scroll = 0;
    }

    /// Tells everything, or only what the reader has read: the other of what they are told now.
    /// A follower who may not read ahead is told what the presenter has shown, and told so.
    fn toggle_telling(&mut self) {
        if self.told_as_shown() {
            self.status = Some(
                if self.classroom.role == Role::Presenter {
                    "The class is told what you have shown; the rest comes as you go on"
                } else {
                    "You are told what the presenter has shown; the rest comes as the class goes on"
                }
                .to_owned(),
            );
            return;
        }
        let telling = self.telling().other();
        self.reading.telling = Some(telling);
        self.status = Some(telling.said().to_owned());
    }

    /// Shows a new version of the story (the watched folder changed), keeping the reader's
    /// place and bookmarks by scene id.
    fn reload(&mut self, story: Arc<Story>) {
        let saved = self.saved();
        let index = self.reading.scene.index();
        let shown = self.story.scene(self.reading.furthest_shown).id.clone();
        self.story = story;
        self.searching.index = None;
        self.searching.hits.clear();
        self.reading.history.clear();
        self.problems.clear();
        // What an overlay listed may be gone.
        self.close_overlay();
        // Where the scene is gone, stay at the same position in the story; how far the reader
        // has read comes back by id.
        self.reading.furthest_read = SceneId(0);
        self.reading.furthest_shown = SceneId(0);
        self.go_to(SceneId(index.min(self.story.scenes.len() - 1)));
        self.restore(&saved);
        if let Some(shown) = self.story.find_scene(&shown) {
            self.reading.furthest_shown = self.reading.furthest_shown.max(shown);
        }
        self.status = Some("story reloaded".to_owned());
    }

    /// Takes up a saved place and bookmarks; ids no longer in the story are left out.
    fn restore(&mut self, saved: &Saved) {
        let place = if self.classroom.role == Role::Presenter {
            &saved.presented
        } else {
            &saved.scene
        };
        if let Some(scene) = place.as_deref().and_then(|id| self.story.find_scene(id)) {
            self.go_to(scene);
        }
        self.bookmarks = saved
            .bookmarks
            .iter()
            .filter_map(|id| self.story.find_scene(id))
            .collect();
        self.bookmarks.dedup();
        // How far the reader has read: as saved, or (a file from before it was saved) the
        // furthest of their place and bookmarks, which they have read.
        let read = saved
            .read
            .as_deref()
            .and_then(|id| self.story.find_scene(id));
        let furthest = read
            .into_iter()
            .chain(self.bookmarks.iter().copied())
            .max()
            .unwrap_or(SceneId(0));
        self.reading.furthest_read = self.reading.furthest_read.max(furthest);
        // Only answers to this story's questions, for a choice the question has.
        let story = &self.story;
        self.checking.answers = saved
            .answers
            .iter()
            .filter(|(id, choice)| {
                story
                    .find_question(id)
                    .is_some_and(|(_, question)| **choice < question.choices.len())
            })
            .map(|(id, choice)| (id.clone(), *choice))
            .collect();
    }

    fn open_overlay(&mut self, overlay: Overlay) {
        self.overlay = Overlays {
            open: Some(overlay),
            scroll: 0,
            pick: 0,
        };
    }

    fn close_overlay(&mut self) {
        self.overlay = Overlays::default();
        self.checking.episode = None;
    }

    /// Opens the check of an episode's questions at the first one not answered (or the first);
    /// `then_move_on` when moving past the episode's end opened it.
    fn open_check(&mut self, episode: EpisodeId, then_move_on: bool) {
        let questions: Vec<&Question> = self.story.questions_of(episode).map(|(_, q)| q).collect();
        if questions.is_empty() {
            self.status = Some("No questions to check yourself on in this episode".to_owned());
            return;
        }
        let at = questions
            .iter()
            .position(|q| !self.checking.answers.contains_key(&q.id))
            .unwrap_or(0);
        self.open_overlay(Overlay::Check);
        self.overlay.pick = 0;
        self.checking.episode = Some(episode);
        self.checking.at = at;
        self.checking.then_move_on = then_move_on;
        if !self.checking.offered.contains(&episode) {
            self.checking.offered.push(episode);
        }
    }

    /// Whether moving on from `scene` offers the check first: a reader alone at the last scene
    /// of an episode with questions left to answer, not offered yet this sitting.
    fn offers_check(&self, scene: SceneId) -> bool {
        let episode = self.story.scene(scene).episode;
        self.classroom.role == Role::Alone
            && self.mode == Mode::Reader
            && self.story.episode(episode).scenes.end == scene.index() + 1
            && !self.checking.offered.contains(&episode)
            && self
                .story
                .questions_of(episode)
                .any(|(_, q)| !self.checking.answers.contains_key(&q.id))
    }

    /// What the open check does with an action; everything but quitting is its own.
    fn command_in_check(&mut self, action: &Action) -> bool {
        let Some((_, question, count)) = self.checked_question() else {
            self.close_overlay();
            return false;
        };
        let (id, choices) = (question.id.clone(), question.choices.len());
        let answered = self.checking.answers.contains_key(&id);
        match action {
            Action::Quit | Action::Interrupt => return false,
            Action::Back | Action::CheckYourself => self.close_overlay(),
            Action::Digit(digit @ 1..=6) if !answered && usize::from(*digit) <= choices => {
                let choice = usize::from(*digit) - 1;
                self.overlay.pick = choice;
                self.checking.answers.insert(id, choice);
            }
            Action::Up if !answered => self.overlay.pick = self.overlay.pick.saturating_sub(1),
            Action::Down if !answered => {
                self.overlay.pick = (self.overlay.pick + 1).min(choices - 1);
            }
            Action::Open if !answered => {
                self.checking
                    .answers
                    .insert(id, self.overlay.pick.min(choices - 1));
            }
            // An explanation longer than the screen scrolls.
            Action::Up => self.scroll_overlay(-1),
            Action::Down => self.scroll_overlay(1),
            Action::PageUp => self.scroll_overlay(-i32::from(self.overlay_page())),
            Action::PageDown => self.scroll_overlay(i32::from(self.overlay_page())),
            Action::Open | Action::NextHit | Action::NextScene => self.next_question(count),
            Action::PreviousHit | Action::PreviousScene if self.checking.at > 0 => {
                self.checking.at -= 1;
                self.overlay.pick = 0;
                self.overlay.scroll = 0;
            }
            Action::AskAgain => {
                self.checking.answers.remove(&id);
                self.overlay.pick = 0;
                self.overlay.scroll = 0;
            }
            _ => {}
        }
        true
    }

    /// The next question of the check; after the last, the check closes, and moves on past
    /// the episode if moving on opened it.
    fn next_question(&mut self, count: usize) {
        if self.checking.at + 1 < count {
            self.checking.at += 1;
            self.overlay.pick = 0;
            self.overlay.scroll = 0;
            return;
        }
        let move_on = self.checking.then_move_on;
        self.close_overlay();
        if move_on {
            self.command_reading(Action::NextScene);
        }
    }

    /// Puts the pick on the current scene, where the open list has it.
    fn pick_current_scene(&mut self) {
        let scene = self.reading.scene;
        self.overlay.pick = self
            .pickable_scenes()
            .iter()
            .position(|s| *s == scene)
            .unwrap_or(0);
    }

    /// Opens an entry with the pick on the current scene, where the entry appears in it; an
    /// entry only scenes past the reading limit hold stays closed, however it was reached.
    fn open_entry(&mut self, entry: Entry) {
        if !self.may_show(entry) {
            self.status = Some(self.not_shown_yet());
            return;
        }
        self.open_overlay(Overlay::Entry(entry));
        self.pick_current_scene();
    }

    /// Runs the search for the current query, building the index on first use.
    fn run_search(&mut self) {
        let story = &self.story;
        self.searching
            .index
            .get_or_insert_with(|| SearchIndex::new(story));
        self.find_hits();
        self.overlay.pick = 0;
        self.overlay.scroll = 0;
    }

    /// The hits of the current query, once the index is built, leaving out what lies past the
    /// reading limit: scenes not shown yet, and the people, terms and notes only they hold.
    fn find_hits(&mut self) {
        let Some(index) = &self.searching.index else {
            return;
        };
        let reach = self.reach();
        let mut hits = index.search(&self.searching.query, &reach);
        hits.retain(|hit| match hit.target {
            Target::Scene(scene) => reach.may_show_scene(scene),
            Target::Character(id) => reach.may_show_person(id),
            Target::Footnote(id) => reach.may_show_footnote(id),
            Target::EditorNote(id) => reach.may_show_editor_note(id),
            Target::Term(id) => reach.may_show_term(id),
        });
        self.searching.hits = hits;
    }

    /// Goes where a hit is: a scene is shown, anything else opened with its scenes.
    fn follow(&mut self, target: Target) {
        match target {
            Target::Scene(scene) => self.jump_to(scene),
            Target::Character(id) => self.open_entry(Entry::Character(id)),
            Target::Footnote(id) => self.open_entry(Entry::Footnote(id)),
            Target::EditorNote(id) => self.open_entry(Entry::EditorNote(id)),
            Target::Term(id) => self.open_entry(Entry::Term(id)),
        }
    }

    /// `n`/`N`: the next or previous scene, in story order and round the end, whose title or
    /// text holds the query.
    fn step_hits(&mut self, forward: bool) {
        let here = self.reading.scene;
        let mut scenes: Vec<SceneId> = self
            .searching
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
            scenes.iter().find(|s| **s > here).or(scenes.first())
        } else {
            scenes.iter().rev().find(|s| **s < here).or(scenes.last())
        };
        if let Some(&scene) = next
            && scene != here
        {
            self.jump_to(scene);
        }
    }

    /// Follows a link: remembers where the reader was, goes to the scene, closes the overlay.
    fn jump_to(&mut self, scene: SceneId) {
        if scene != self.reading.scene {
            self.reading.history.push(self.reading.scene);
        }
        self.close_overlay();
        self.go_to(scene);
    }

    fn move_pick(&mut self, delta: i32) {
        let count = match self.overlay.open {
            Some(Overlay::Glossary) => self.pickable_terms().len(),
            Some(Overlay::Search) => self.searching.hits.len().min(LISTED),
            Some(Overlay::Board) => self.classroom.class.board.len(),
            Some(Overlay::Contents) => self.contents().len(),
            _ => self.pickable_scenes().len(),
        };
        self.overlay.pick = step(self.overlay.pick, delta, count.saturating_sub(1));
    }

    /// Goes to a scene; past the reading limit, only as far as the limit, saying why.
    fn go_to(&mut self, wanted: SceneId) {
        let scene = self.navigable().clamp(wanted);
        if scene != wanted {
            // What the presenter has shown, the student may read; no further.
            self.status = Some(self.not_shown_yet());
        }
        // Opened, so read: what it tells is told from now on.
        self.reading.furthest_read = self.reading.furthest_read.max(scene);
        self.reading.furthest_shown = self.reading.furthest_shown.max(scene);
        let here = self.story.scene(scene).locations.first();
        let location = here
            .and_then(|here| self.listed_places().iter().position(|l| l == here))
            .unwrap_or(0);
        let reading = &mut self.reading;
        reading.scene = scene;
        reading.scene_scroll = 0;
        reading.selected = [0, 0, location];
    }

    /// Why the reader cannot go further, and how far they may.
    fn not_shown_yet(&self) -> String {
        let furthest = self.navigable().furthest().map_or(0, SceneId::index);
        format!(
            "not shown yet: you may read up to scene {} of {}",
            furthest + 1,
            self.story.scenes.len()
        )
    }

    /// Goes to the first scene of an episode; an episode past the end does nothing.
    fn go_to_episode(&mut self, index: usize) {
        if index < self.story.episodes.len() {
            self.go_to(self.story.first_scene_of(EpisodeId(index)));
        }
    }

    fn set_focus(&mut self, pane: Pane) {
        self.reading.focus = pane;
        if pane != Pane::Scene {
            self.reading.side = pane;
        }
    }

    fn move_in_focus(&mut self, delta: i32) {
        let focus = self.reading.focus;
        match focus.side_index() {
            None => {
                let max = self.max_scene_scroll();
                let scroll = &mut self.reading.scene_scroll;
                *scroll = step((*scroll).into(), delta, max.into()) as u16;
            }
            Some(side) => {
                let last = self.entry_count(focus).saturating_sub(1);
                let selected = &mut self.reading.selected[side];
                *selected = step(*selected, delta, last);
            }
        }
    }

    /// How many entries a side pane lists.
    fn entry_count(&self, pane: Pane) -> usize {
        let scene = self.story.scene(self.reading.scene);
        match pane {
            Pane::Scene => 0,
            Pane::Characters => scene.characters.len(),
            Pane::Footnotes => scene.footnotes.len() + scene.editor_notes.len(),
            Pane::Locations => self.listed_places().len(),
        }
    }

    fn scroll_overlay(&mut self, delta: i32) {
        let max = self.max_overlay_scroll();
        self.overlay.scroll = step(self.overlay.scroll.into(), delta, max.into()) as u16;
    }

    /// How far the scene's text can scroll, as last drawn; nothing is known to be hidden
    /// before it is drawn.
    fn max_scene_scroll(&self) -> u16 {
        self.frame.scene.map_or(0, |text| text.max_scroll())
    }

    fn max_overlay_scroll(&self) -> u16 {
        self.frame.overlay.map_or(0, |text| text.max_scroll())
    }

    fn scene_page(&self) -> u16 {
        self.frame.scene.map_or(1, |text| text.page())
    }

    fn overlay_page(&self) -> u16 {
        self.frame.overlay.map_or(1, |text| text.page())
    }

    /// Everything that affects what is drawn, to tell whether an action changed anything.
    fn snapshot(&self) -> impl PartialEq + use<> {
        let reading = &self.reading;
        let presenting = &self.presenting;
        (
            (
                reading.scene,
                reading.focus,
                reading.side,
                reading.scene_scroll,
            ),
            (reading.selected, reading.history.len(), reading.show_map),
            (
                reading.furthest_read,
                reading.furthest_shown,
                reading.telling,
            ),
            (self.overlay.open, self.overlay.scroll, self.overlay.pick),
            (
                self.searching.glossary.clone(),
                self.searching.query.clone(),
            ),
            (
                self.mode,
                presenting.blank,
                presenting.inviting,
                presenting.panel,
            ),
            presenting.typed_number.clone(),
            (
                presenting.timer.elapsed().as_secs(),
                presenting.timer.is_running(),
                presenting.timer.is_untouched(),
            ),
            (
                self.classroom.presenter_scene,
                self.classroom.clock,
                self.classroom.linked,
                self.classroom.limit,
            ),
            self.checking.clone(),
            (
                self.bookmarks.clone(),
                self.status.clone(),
                self.problems.len(),
                self.ended,
            ),
            (
                self.classroom.chosen,
                self.classroom.writing.clone(),
                self.classroom.posted_pick,
            ),
        )
    }
}

/// Moves `value` by `delta`, staying within `0..=max`.
/// The episode a digit key stands for, by position: 1–9 the first nine, 0 the tenth (as on a
/// keyboard's number row, where 0 comes after 9).
fn episode_of_digit(digit: u8) -> usize {
    match digit {
        0 => 9,
        digit => usize::from(digit) - 1,
    }
}

fn step(value: usize, delta: i32, max: usize) -> usize {
    let moved = if delta < 0 {
        value.saturating_sub(delta.unsigned_abs() as usize)
    } else {
        value.saturating_add(delta as usize)
    };
    moved.min(max)
}
