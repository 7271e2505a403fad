//! The one theme: every style izumi draws with comes from here.

use ratatui::style::{Color, Modifier, Style};

/// The styles of every part of the screen.
#[derive(Clone, Copy, Debug)]
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
}

/// The default theme: the terminal's own background and foreground, with a few accents, so it
/// reads on dark and light terminals alike.
pub const THEME: Theme = Theme {
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
};
