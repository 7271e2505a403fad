//! The themes: every style izumi draws with comes from here. A theme is a value handed to the
//! widgets (dark, light or high contrast, and without any colour when `NO_COLOR` is set), so
//! readers with different themes can share a process.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ThemeName;

/// The styles of every part of the screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub title: Style,
    pub text: Style,
    pub dim: Style,
    pub heading: Style,
    pub border: Style,
    pub border_focused: Style,
    pub pane_title: Style,
    pub selected: Style,
    pub selected_unfocused: Style,
    pub footnote_marker: Style,
    /// An editor's note's marker: ours, not the article's, so never like a footnote's.
    pub editor_marker: Style,
    pub disputed: Style,
    pub current_place: Style,
    pub visited_place: Style,
    pub unvisited_place: Style,
    pub key: Style,
    pub tab_active: Style,
    pub term: Style,
    /// What the reader searched for, wherever it shows.
    pub search_hit: Style,
    pub map_land: Style,
    pub map_route: Style,
    pub map_visited: Style,
    /// The presentation: a stage that survives a washed-out projector.
    pub stage: Style,
    pub stage_title: Style,
    pub stage_progress: Style,
    /// A question's right answer, once revealed.
    pub answer: Style,
    /// A tally's bars.
    pub tally_bar: Style,
}

/// The default theme: the terminal's own background and foreground, with a few accents, so it
/// reads on dark and light terminals alike.
pub const DARK: Theme = Theme {
    title: Style::new().add_modifier(Modifier::BOLD),
    text: Style::new(),
    dim: Style::new().fg(Color::DarkGray),
    heading: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    border: Style::new().fg(Color::DarkGray),
    border_focused: Style::new().fg(Color::Cyan),
    pane_title: Style::new().add_modifier(Modifier::BOLD),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    selected_unfocused: Style::new().add_modifier(Modifier::BOLD),
    footnote_marker: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    editor_marker: Style::new()
        .fg(Color::Green)
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::ITALIC),
    disputed: Style::new()
        .fg(Color::Magenta)
        .add_modifier(Modifier::ITALIC),
    current_place: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    visited_place: Style::new(),
    unvisited_place: Style::new().fg(Color::DarkGray),
    key: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    tab_active: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    term: Style::new().add_modifier(Modifier::UNDERLINED),
    search_hit: Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD),
    map_land: Style::new().fg(Color::DarkGray),
    map_route: Style::new().fg(Color::Yellow),
    map_visited: Style::new().fg(Color::White),
    stage: Style::new().fg(Color::White).bg(Color::Black),
    stage_title: Style::new()
        .fg(Color::Yellow)
        .bg(Color::Black)
        .add_modifier(Modifier::BOLD),
    stage_progress: Style::new().fg(Color::Gray).bg(Color::Black),
    answer: Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
    tally_bar: Style::new().fg(Color::Cyan),
};

/// For light terminals: the accents in darker colours that keep their contrast on white.
pub const LIGHT: Theme = Theme {
    heading: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
    border_focused: Style::new().fg(Color::Blue),
    footnote_marker: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
    current_place: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    key: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
    tab_active: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
    map_route: Style::new().fg(Color::Red),
    map_visited: Style::new().fg(Color::Black),
    stage: Style::new().fg(Color::Black).bg(Color::White),
    stage_title: Style::new()
        .fg(Color::Blue)
        .bg(Color::White)
        .add_modifier(Modifier::BOLD),
    stage_progress: Style::new().fg(Color::DarkGray).bg(Color::White),
    answer: Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
    tally_bar: Style::new().fg(Color::Blue),
    ..DARK
};

/// Maximum contrast: white on black, no greys, emphasis by weight and reverse video.
pub const HIGH_CONTRAST: Theme = Theme {
    title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
    text: Style::new().fg(Color::White),
    dim: Style::new().fg(Color::White),
    heading: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    border: Style::new().fg(Color::White),
    border_focused: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    pane_title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
    selected_unfocused: Style::new()
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    // Every text in white: a style without a colour would fall back to the terminal's own.
    visited_place: Style::new().fg(Color::White),
    unvisited_place: Style::new().fg(Color::White),
    term: Style::new()
        .fg(Color::White)
        .add_modifier(Modifier::UNDERLINED),
    map_land: Style::new().fg(Color::White),
    stage_progress: Style::new().fg(Color::White).bg(Color::Black),
    answer: Style::new()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
        .add_modifier(Modifier::UNDERLINED),
    tally_bar: Style::new().fg(Color::White),
    ..DARK
};

/// The theme a name stands for.
pub fn of(name: ThemeName) -> Theme {
    match name {
        ThemeName::Dark => DARK,
        ThemeName::Light => LIGHT,
        ThemeName::HighContrast => HIGH_CONTRAST,
    }
}

/// The theme with this name, if there is one.
pub fn named(name: &str) -> Option<Theme> {
    name.parse().ok().map(of)
}

impl Theme {
    /// The theme a reader asked for by name (the dark one when none is), without colour if
    /// asked.
    pub fn chosen(name: Option<&str>, no_colour: bool) -> Theme {
        let theme = name.and_then(named).unwrap_or(DARK);
        if no_colour {
            theme.without_colour()
        } else {
            theme
        }
    }

    /// The theme with every colour taken out, emphasis (bold, underline, reverse) kept: for
    /// `NO_COLOR`.
    pub fn without_colour(self) -> Theme {
        let plain = |style: Style| Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..style
        };
        Theme {
            title: plain(self.title),
            text: plain(self.text),
            dim: plain(self.dim),
            heading: plain(self.heading),
            border: plain(self.border),
            border_focused: plain(self.border_focused).add_modifier(Modifier::BOLD),
            pane_title: plain(self.pane_title),
            selected: plain(self.selected),
            selected_unfocused: plain(self.selected_unfocused),
            footnote_marker: plain(self.footnote_marker),
            // Without colour, italic still tells it from a footnote's.
            editor_marker: plain(self.editor_marker),
            disputed: plain(self.disputed),
            current_place: plain(self.current_place),
            visited_place: plain(self.visited_place),
            unvisited_place: plain(self.unvisited_place),
            key: plain(self.key),
            tab_active: plain(self.tab_active).add_modifier(Modifier::REVERSED),
            term: plain(self.term),
            // Without colour a hit is shown in reverse video.
            search_hit: plain(self.search_hit).add_modifier(Modifier::REVERSED),
            map_land: plain(self.map_land),
            map_route: plain(self.map_route),
            map_visited: plain(self.map_visited),
            stage: plain(self.stage),
            stage_title: plain(self.stage_title),
            stage_progress: plain(self.stage_progress),
            // Without colour the right answer stands out by weight and underline.
            answer: plain(self.answer).add_modifier(Modifier::UNDERLINED),
            tally_bar: plain(self.tally_bar),
        }
    }
}
