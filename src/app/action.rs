//! Everything the reader can ask for. Keys, and later mouse and network, become actions; only
//! `App::update` turns them into changes.

use std::time::Instant;

use super::{Entry, Pane};

/// A wall-clock reading, hours and minutes, in the reader's own time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
}

/// A request to change the app's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextScene,
    PreviousScene,
    NextEpisode,
    PreviousEpisode,
    /// A digit key: in the reader, episode N (1–9); in a presentation, part of a scene number.
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
    /// Close what is open, or quit at the top level.
    Back,
    ToggleHelp,
    /// Show the places as a map, or as a list.
    ToggleMap,
    /// Open the list of every scene in date order.
    ShowTimeline,
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
    /// A click: give a pane the focus.
    Focus(Pane),
    /// A click: select an entry of a side pane's list.
    Select(Pane, usize),
    /// A click on a footnote marker: open the footnote.
    OpenEntry(Entry),
    /// Bookmark the current scene, or remove its bookmark.
    ToggleBookmark,
    /// Open the list of bookmarks.
    ShowBookmarks,
    /// In the bookmarks list: remove the picked one.
    Remove,
    /// A letter typed into the glossary's search or the story search.
    Type(char),
    /// Remove the last letter of the glossary's search.
    Erase,
    /// Switch between the reader and the presentation for a classroom.
    TogglePresentation,
    /// In a presentation: black out the screen, or bring it back.
    ToggleBlank,
    /// In a presentation: show the next full-screen panel (people, map, footnotes, none).
    CyclePanel,
    /// In a presentation: start the timer, or pause it, at this moment.
    ToggleTimer(Instant),
    /// In a presentation: set the timer back to zero, stopped.
    ResetTimer,
    /// Go to a scene because the presenter's console asked (by position in the story).
    GoToScene(usize),
    /// The presenter is now showing this scene: a follower or console moves there too.
    PresenterAt(usize),
    /// Following: go back to the scene the presenter shows.
    SnapToPresenter,
    /// Time has passed (sent once a second while the timer runs, so its display moves on).
    Tick(Instant),
    /// The wall clock now reads this (sent to the presenter's console each minute).
    Clock(TimeOfDay),
    Quit,
    /// Ctrl-C: quit at once, whatever is open, and say so in the exit status.
    Interrupt,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
}
