//! Everything the reader can ask for. Keys, and later mouse and network, become actions; only
//! `App::update` turns them into changes.

/// A request to change the app's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextScene,
    PreviousScene,
    NextEpisode,
    PreviousEpisode,
    /// Jump to the first scene of the episode at this position (0-based).
    Episode(usize),
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
    /// A letter typed into the glossary's search.
    Type(char),
    /// Remove the last letter of the glossary's search.
    Erase,
    Quit,
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
}
