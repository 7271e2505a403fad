//! Everything that can change the reader: what the reader asks for (a [`Command`], from a key or
//! the mouse) and what happens around it (the frame was measured, the story was reloaded, the
//! presenter moved). Only `App::update` turns actions into changes.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Entry, Geometry, KeyMode, Pane};
use crate::story::Story;

/// A wall-clock reading, hours and minutes, in the reader's own time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
}

/// What a key can be bound to. The names (kebab case: `next-scene`) are what a configuration
/// file writes, so they are a contract: renaming a variant must keep its name. The help and the
/// footer list them in the order of the enum (`Command::VARIANTS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    PreviousScene,
    NextScene,
    PreviousEpisode,
    NextEpisode,
    /// A digit key: episode N in the reader, part of a scene number in a presentation.
    #[serde(rename = "episode")]
    Digit,
    FirstScene,
    LastScene,
    FocusNext,
    FocusPrevious,
    Up,
    Down,
    PageUp,
    PageDown,
    Open,
    ToggleMap,
    ToggleTelling,
    ShowTimeline,
    ShowContents,
    Search,
    NextHit,
    PreviousHit,
    ToggleBookmark,
    ShowBookmarks,
    Remove,
    ShowGlossary,
    GoBack,
    CheckYourself,
    AskAgain,
    TogglePresentation,
    ToggleBlank,
    ShowInvitation,
    CyclePanel,
    ToggleTimer,
    ResetTimer,
    SnapToPresenter,
    ToggleHelp,
    Back,
    Quit,
    Interrupt,
    AskQuestion,
    Reveal,
    QuickLetters,
    QuickYesNo,
    TakeDown,
    ShowPosted,
    DismissPosted,
    Spotlight,
    WriteQuestion,
    ShowBoard,
}

/// The help screen's sections, in the order it shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::VariantArray)]
pub enum Section {
    Story,
    Panes,
    Classroom,
    Asking,
    General,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Story => "Moving through the story",
            Section::Panes => "Panes",
            Section::Classroom => "Classroom",
            Section::Asking => "Asking the class",
            Section::General => "General",
        }
    }
}

impl Command {
    /// The name a configuration file uses for it.
    pub fn name(self) -> String {
        toml::Value::try_from(self)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The command a configuration file names, if any.
    pub fn named(name: &str) -> Option<Command> {
        Command::deserialize(
            serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name),
        )
        .ok()
    }

    /// What it does in a mode, for the help screen.
    pub fn description_in(self, mode: KeyMode) -> &'static str {
        match (self, mode) {
            (Command::Digit, KeyMode::Presenting | KeyMode::Console) => {
                "a scene number; Enter goes there"
            }
            (Command::Digit, KeyMode::Following) => {
                "episode N (0 is 10); while a question is up, 1–6 answer it"
            }
            (Command::Up, KeyMode::Console) => "pick the previous student's question",
            (Command::Down, KeyMode::Console) => "pick the next student's question",
            (Command::Digit, _) => "episode N (0 is episode 10)",
            (Command::Open, KeyMode::Presenting | KeyMode::Console) => {
                "go to the scene number typed"
            }
            (Command::ToggleBlank, KeyMode::Console) => "blank the projector, and back",
            _ => self.description(),
        }
    }

    /// What it does, for the help screen.
    pub fn description(self) -> &'static str {
        match self {
            Command::PreviousScene => "previous scene",
            Command::NextScene => "next scene",
            Command::PreviousEpisode => "previous episode",
            Command::NextEpisode => "next episode",
            Command::Digit => "episode N (0 is 10); presenting: a scene number, then Enter",
            Command::FirstScene => "first scene of the story",
            Command::LastScene => "last scene of the story",
            Command::FocusNext => "focus the next pane",
            Command::FocusPrevious => "focus the previous pane",
            Command::Up => "scroll up / select the previous entry",
            Command::Down => "scroll down / select the next entry",
            Command::PageUp => "scroll up a page",
            Command::PageDown => "scroll down a page",
            Command::Open => "open the selected entry; in a list, go to the picked scene",
            Command::ToggleMap => "show the places as a map or as a list",
            Command::ToggleTelling => {
                "people, places and terms: everything, or only what you have read"
            }
            Command::ShowTimeline => "every scene in date order; Enter goes there",
            Command::ShowContents => "contents: the episodes and their scenes; Enter goes there",
            Command::Search => "search everything; no need for capitals or accents",
            Command::NextHit => "next scene holding what you searched for",
            Command::PreviousHit => "previous scene holding what you searched for",
            Command::ToggleBookmark => "bookmark this scene, or remove its bookmark",
            Command::ShowBookmarks => "bookmarks: Enter goes there, Delete or x removes",
            Command::Remove => "in the bookmarks: remove the picked one",
            Command::ShowGlossary => "glossary: this scene's terms first; type to search",
            Command::GoBack => "back to where you were before the last jump",
            Command::CheckYourself => "check yourself on this episode's questions",
            Command::AskAgain => "checking yourself: answer this one again",
            Command::TogglePresentation => "presentation for a classroom, and back",
            Command::ToggleBlank => "blank the screen, and back",
            Command::ShowInvitation => {
                "a QR code of the address to follow at (or the remote's), and back"
            }
            Command::CyclePanel => "show people, map, footnotes, timeline, or none",
            Command::ToggleTimer => "start or pause the timer",
            Command::ResetTimer => "reset the timer",
            Command::SnapToPresenter => "follow the presenter: go to its scene and move with it",
            Command::ToggleHelp => "show or hide this help",
            Command::Back => "close the open entry, list or help (never quits)",
            Command::Quit => "quit",
            Command::Interrupt => "quit at once, from anywhere (exit status 130)",
            Command::AskQuestion => "ask the class this scene's question; again: close it",
            Command::Reveal => "show the tally, then the right answer and why",
            Command::QuickLetters => "a quick question, answered A, B, C or D",
            Command::QuickYesNo => "a quick question, answered yes or no",
            Command::TakeDown => "take the question off every screen",
            Command::ShowPosted => "show the picked student's question to the class",
            Command::DismissPosted => "dismiss the picked student's question",
            Command::Spotlight => "put the picked question on the projector, or take it off",
            Command::WriteQuestion => "write a question to the teacher (Enter sends)",
            Command::ShowBoard => "the class's questions: Enter votes for the picked one",
        }
    }

    /// The short label the footer shows, for the commands worth a reminder there. Commands
    /// that share a label share a hint (`←/→ scene`).
    pub fn footer(self) -> Option<&'static str> {
        Some(match self {
            Command::PreviousScene | Command::NextScene => "scene",
            Command::PreviousEpisode | Command::NextEpisode => "episode",
            Command::FocusNext => "pane",
            Command::Up | Command::Down => "move",
            Command::Open => "open",
            Command::ToggleMap => "map",
            Command::ShowTimeline => "timeline",
            Command::ShowContents => "contents",
            Command::Search => "search",
            Command::ShowGlossary => "glossary",
            Command::GoBack => "back",
            Command::TogglePresentation => "present",
            Command::SnapToPresenter => "follow",
            Command::AskQuestion => "ask",
            Command::Reveal => "reveal",
            Command::WriteQuestion => "ask the teacher",
            Command::ToggleHelp => "help",
            Command::Quit => "quit",
            _ => return None,
        })
    }

    pub fn section(self) -> Section {
        match self {
            Command::PreviousScene
            | Command::NextScene
            | Command::PreviousEpisode
            | Command::NextEpisode
            | Command::Digit
            | Command::FirstScene
            | Command::LastScene
            | Command::ShowTimeline
            | Command::ShowContents
            | Command::Search
            | Command::NextHit
            | Command::PreviousHit
            | Command::ToggleBookmark
            | Command::ShowBookmarks
            | Command::Remove
            | Command::ShowGlossary
            | Command::GoBack
            | Command::CheckYourself
            | Command::AskAgain => Section::Story,
            Command::FocusNext
            | Command::FocusPrevious
            | Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Open
            | Command::ToggleMap
            | Command::ToggleTelling => Section::Panes,
            Command::TogglePresentation
            | Command::ToggleBlank
            | Command::ShowInvitation
            | Command::CyclePanel
            | Command::ToggleTimer
            | Command::ResetTimer
            | Command::SnapToPresenter => Section::Classroom,
            Command::AskQuestion
            | Command::Reveal
            | Command::QuickLetters
            | Command::QuickYesNo
            | Command::TakeDown
            | Command::ShowPosted
            | Command::DismissPosted
            | Command::Spotlight
            | Command::WriteQuestion
            | Command::ShowBoard => Section::Asking,
            Command::ToggleHelp | Command::Back | Command::Quit | Command::Interrupt => {
                Section::General
            }
        }
    }

    /// The action the command asks for; `digit` is the digit typed, `now` the moment of the key.
    pub fn action(self, digit: u8, now: Instant) -> Action {
        match self {
            Command::PreviousScene => Action::PreviousScene,
            Command::NextScene => Action::NextScene,
            Command::PreviousEpisode => Action::PreviousEpisode,
            Command::NextEpisode => Action::NextEpisode,
            Command::Digit => Action::Digit(digit),
            Command::FirstScene => Action::FirstScene,
            Command::LastScene => Action::LastScene,
            Command::FocusNext => Action::FocusNext,
            Command::FocusPrevious => Action::FocusPrevious,
            Command::Up => Action::Up,
            Command::Down => Action::Down,
            Command::PageUp => Action::PageUp,
            Command::PageDown => Action::PageDown,
            Command::Open => Action::Open,
            Command::ToggleMap => Action::ToggleMap,
            Command::ToggleTelling => Action::ToggleTelling,
            Command::ShowTimeline => Action::ShowTimeline,
            Command::ShowContents => Action::ShowContents,
            Command::Search => Action::Search,
            Command::NextHit => Action::NextHit,
            Command::PreviousHit => Action::PreviousHit,
            Command::ToggleBookmark => Action::ToggleBookmark,
            Command::ShowBookmarks => Action::ShowBookmarks,
            Command::Remove => Action::Remove,
            Command::ShowGlossary => Action::ShowGlossary,
            Command::GoBack => Action::GoBack,
            Command::CheckYourself => Action::CheckYourself,
            Command::AskAgain => Action::AskAgain,
            Command::TogglePresentation => Action::TogglePresentation,
            Command::ToggleBlank => Action::ToggleBlank,
            Command::ShowInvitation => Action::ShowInvitation,
            Command::CyclePanel => Action::CyclePanel,
            Command::ToggleTimer => Action::ToggleTimer(now),
            Command::ResetTimer => Action::ResetTimer,
            Command::SnapToPresenter => Action::SnapToPresenter,
            Command::ToggleHelp => Action::ToggleHelp,
            Command::Back => Action::Back,
            Command::Quit => Action::Quit,
            Command::Interrupt => Action::Interrupt,
            Command::AskQuestion => Action::AskQuestion,
            Command::Reveal => Action::Reveal,
            Command::QuickLetters => Action::Quick(crate::asking::Quick::Letters),
            Command::QuickYesNo => Action::Quick(crate::asking::Quick::YesNo),
            Command::TakeDown => Action::TakeDown,
            Command::ShowPosted => Action::ShowPosted,
            Command::DismissPosted => Action::DismissPosted,
            Command::Spotlight => Action::Spotlight,
            Command::WriteQuestion => Action::WriteQuestion,
            Command::ShowBoard => Action::ShowBoard,
        }
    }
}

/// What the presenter announced: the scene it shows and its timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The scene's position in the story.
    pub scene: usize,
    pub elapsed: Duration,
    pub running: bool,
    /// Whether the projector is blanked.
    pub blank: bool,
}

/// What a console (or the remote) asks of the projector besides moving it. Each says the state
/// wanted, not a toggle, so that two consoles pressing at once do not undo each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    StartTimer,
    PauseTimer,
    ResetTimer,
    /// Blank the projector (`true`) or bring the picture back.
    Blank(bool),
}

/// A request to change the app's state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    NextScene,
    PreviousScene,
    NextEpisode,
    PreviousEpisode,
    /// A digit key: in the reader, episode N (1–9, and 0 for 10); in a presentation, part of a scene number.
    Digit(u8),
    FirstScene,
    LastScene,
    FocusNext,
    FocusPrevious,
    Up,
    Down,
    PageUp,
    PageDown,
    /// Open the selected entry of the focused pane.
    Open,
    /// Close what is open; at the top level, nothing (Esc never quits).
    Back,
    ToggleHelp,
    /// Show the places as a map, or as a list.
    ToggleMap,
    /// Tell everything of people, places and terms, or only what the reader has read.
    ToggleTelling,
    /// Open the list of every scene in date order.
    ShowTimeline,
    /// Open the contents: every episode with its scenes, to pick from.
    ShowContents,
    /// Return to the scene the reader was on before the last jump.
    GoBack,
    /// Open the glossary, listing the current scene's terms first.
    ShowGlossary,
    /// Open the search of the whole story.
    Search,
    /// Go to the next scene that holds what was searched for.
    NextHit,
    /// Go to the previous scene that holds what was searched for.
    PreviousHit,
    /// Open "check yourself" on the episode's questions, or close it.
    CheckYourself,
    /// Checking yourself: forget the answer to the question shown, to answer it again.
    AskAgain,
    /// Give a pane the focus.
    Focus(Pane),
    /// Select an entry of a side pane's list.
    Select(Pane, usize),
    /// Open an entry (a footnote whose marker was clicked).
    OpenEntry(Entry),
    /// A click of the mouse at this column and row.
    Click(u16, u16),
    /// A turn of the mouse wheel at this column and row, up or down.
    Wheel {
        up: bool,
        column: u16,
        row: u16,
    },
    /// Bookmark the current scene, or remove its bookmark.
    ToggleBookmark,
    /// Open the list of bookmarks.
    ShowBookmarks,
    /// In the bookmarks list: remove the picked one.
    Remove,
    /// A letter typed into the glossary's search or the story search.
    Type(char),
    /// Remove the last letter of what is typed.
    Erase,
    /// Switch between the reader and the presentation for a classroom.
    TogglePresentation,
    /// In a presentation: black out the screen, or bring it back.
    ToggleBlank,
    ShowInvitation,
    /// In a presentation: show the next full-screen panel (people, map, footnotes, timeline, none).
    CyclePanel,
    /// In a presentation: start the timer, or pause it, at this moment.
    ToggleTimer(Instant),
    /// In a presentation: set the timer back to zero, stopped.
    ResetTimer,
    /// Go to a scene because the presenter's console asked (by position in the story).
    GoToScene(usize),
    /// The presenter: a console or the remote asks for the timer or the blank, at this moment.
    Control(Control, Instant),
    /// The console: the presenter says whether the projector is blanked.
    Blanked(bool),
    /// The presenter announced where it is; a follower or console moves there too, and the
    /// console takes up its timer as of `now`.
    Presenter(Announcement, Instant),
    /// The presenter has shown every scene up to this one (by position): a follower that may
    /// not read ahead may now read that far.
    ShownUpTo(usize),
    /// Following: go back to the scene the presenter shows.
    SnapToPresenter,
    /// The link to the presenter went up or down.
    Linked(bool),
    /// Time has passed (sent once a second while the timer runs, so its display moves on).
    Tick(Instant),
    /// The wall clock now reads this (sent to the presenter's console each minute).
    Clock(TimeOfDay),
    /// A message for the reader, shown until their next key.
    Status(String),
    /// A new version of the story (the watched folder changed): keep the place by scene id.
    Reload(std::sync::Arc<Story>),
    /// The watched story folder has problems, one located message each.
    Problems(Vec<String>),
    /// The frame just drawn: where everything is, for scrolling and the mouse.
    Measured(Geometry),
    /// What the class sees of the questions now (the question put to it, the students'
    /// questions the teacher has shown).
    Class(crate::asking::Class),
    /// What the teacher sees: the live tally and every student's question (presenter and
    /// console only).
    Desk(crate::asking::Desk),
    /// The teacher: ask the scene's question, or close the open one.
    AskQuestion,
    /// The teacher: show the tally, then the answer.
    Reveal,
    /// The teacher: a quick question with standard choices.
    Quick(crate::asking::Quick),
    /// The teacher: take the question off every screen.
    TakeDown,
    /// The console: show the picked student's question to the class.
    ShowPosted,
    /// The console: dismiss the picked student's question.
    DismissPosted,
    /// The console: put the picked student's question on the projector, or take it off.
    Spotlight,
    /// A follower: start writing a question to the teacher.
    WriteQuestion,
    /// A follower: the students' questions the teacher has shown, to vote for.
    ShowBoard,
    Quit,
    /// Ctrl-C: quit at once, whatever is open, and say so in the exit status.
    Interrupt,
}

impl Action {
    /// Whether the reader did this (a key or the mouse), rather than time, the network, the
    /// file system or the drawing.
    pub fn is_from_reader(&self) -> bool {
        !matches!(
            self,
            Action::GoToScene(_)
                | Action::Control(..)
                | Action::Blanked(_)
                | Action::Presenter(..)
                | Action::ShownUpTo(_)
                | Action::Linked(_)
                | Action::Tick(_)
                | Action::Clock(_)
                | Action::Status(_)
                | Action::Reload(_)
                | Action::Problems(_)
                | Action::Measured(_)
                | Action::Class(_)
                | Action::Desk(_)
        )
    }
}

/// What the app asks the world to do after an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Remember the reader's place and bookmarks.
    Save(crate::saved::Saved),
    /// Tell the console and followers what the presentation shows.
    Announce(Announcement),
    /// Ask the presenter to show this scene (the console's own user moved).
    Goto(usize),
    /// Ask the presenter to start, pause or reset its timer, or to blank (the console's keys).
    Control(Control),
    /// Ask something of the class's questions: the teacher's controls, a student's answer,
    /// question or vote. The host hands it to the hub (`Hub::take`) and shows what it says.
    Ask(crate::asking::Ask),
    /// Reading is over; `interrupted` when the reader pressed Ctrl-C.
    Quit { interrupted: bool },
}

/// What an action did: whether the screen must be drawn again, and what to do about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub redraw: bool,
    pub effects: Vec<Effect>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    /// The names users write in their configuration: a contract. Renaming a command must not
    /// change its name; a new command adds one.
    #[test]
    fn binding_names_are_a_contract() {
        let names: Vec<String> = Command::VARIANTS.iter().map(|c| c.name()).collect();
        assert_eq!(
            names,
            [
                "previous-scene",
                "next-scene",
                "previous-episode",
                "next-episode",
                "episode",
                "first-scene",
                "last-scene",
                "focus-next",
                "focus-previous",
                "up",
                "down",
                "page-up",
                "page-down",
                "open",
                "toggle-map",
                "toggle-telling",
                "show-timeline",
                "show-contents",
                "search",
                "next-hit",
                "previous-hit",
                "toggle-bookmark",
                "show-bookmarks",
                "remove",
                "show-glossary",
                "go-back",
                "check-yourself",
                "ask-again",
                "toggle-presentation",
                "toggle-blank",
                "show-invitation",
                "cycle-panel",
                "toggle-timer",
                "reset-timer",
                "snap-to-presenter",
                "toggle-help",
                "back",
                "quit",
                "interrupt",
                "ask-question",
                "reveal",
                "quick-letters",
                "quick-yes-no",
                "take-down",
                "show-posted",
                "dismiss-posted",
                "spotlight",
                "write-question",
                "show-board",
            ]
        );
        for &command in Command::VARIANTS {
            assert_eq!(Command::named(&command.name()), Some(command));
        }
        assert_eq!(Command::named("Next-Scene"), None);
    }
}
