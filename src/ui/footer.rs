//! The footer: reminders of the main keys, straight from the keymap, or a message for the reader
//! in full, growing upwards when it needs more than one line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use super::theme::Theme;
use crate::wrap::{cells, fit_line, wrap_words};

/// Reminders that always show, whatever the width: how to get help, how to leave, and for a
/// follower how to catch up with the presenter.
const ESSENTIAL: [&str; 3] = ["follow", "help", "quit"];

/// The other reminders, most useful first: where the footer is narrow, these are kept in this
/// order as long as they fit (and shown in the keymap's order). At 80 columns the reader keeps
/// scene, search, contents, episode and timeline; the console keeps scene, its scene by number,
/// timer and blank.
const PRIORITY: [&str; 18] = [
    "scene",
    "go to",
    "timer",
    "blank",
    "search",
    "contents",
    "episode",
    "timeline",
    "glossary",
    "move",
    "open",
    "pane",
    "back",
    "map",
    "present",
    "ask",
    "reveal",
    "ask the teacher",
];

/// The most rows a message may take, as a share of the screen's height (a third).
const MOST_STATUS_SHARE: u16 = 3;

/// One line of key reminders: as many as fit, the most useful first, in the keymap's order,
/// with help and quit kept; or a message for the reader when there is one, wrapped whole.
pub struct Footer<'a> {
    pub status: Option<&'a str>,
    /// The keys to remind of and what they do, from the live keymap.
    pub hints: Vec<(String, &'static str)>,
    pub theme: &'a Theme,
}

impl Footer<'_> {
    /// How many rows the footer needs at this width, on a screen this tall: one for the key
    /// reminders; for a message, as many as it wraps to (at most a third of the screen).
    pub fn height(&self, width: u16, screen_height: u16) -> u16 {
        let Some(status) = self.status else {
            return 1;
        };
        let lines = status_lines(status, width).len();
        u16::try_from(lines)
            .unwrap_or(u16::MAX)
            .clamp(1, (screen_height / MOST_STATUS_SHARE).max(1))
    }
}

/// A message wrapped to the footer's width, a space in from the left.
fn status_lines(status: &str, width: u16) -> Vec<String> {
    wrap_words(status, usize::from(width).saturating_sub(2).max(1))
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if let Some(status) = self.status {
            Clear.render(area, buf);
            let lines = status_lines(status, area.width);
            let rows = usize::from(area.height);
            for (i, (y, text)) in (area.y..area.bottom()).zip(&lines).enumerate() {
                // Cut only when even a third of the screen cannot hold it all.
                let text = if i + 1 == rows && lines.len() > rows {
                    format!("{text} …")
                } else {
                    text.clone()
                };
                let line = Line::from(vec![
                    Span::raw(" "),
                    Span::styled(text, self.theme.disputed),
                ]);
                let row = Rect {
                    y,
                    height: 1,
                    ..area
                };
                fit_line(line, usize::from(area.width)).render(row, buf);
            }
            return;
        }
        let hints = self.hints;
        let width = |keys: &str, what: &str| cells(keys) + cells(what) + 3;
        let mut room = usize::from(area.width).saturating_sub(1);
        for (keys, what) in hints.iter().filter(|(_, what)| ESSENTIAL.contains(what)) {
            room = room.saturating_sub(width(keys, what));
        }
        // The most useful first, while they fit; any label not ranked comes last.
        let mut ranked: Vec<&(String, &'static str)> = hints
            .iter()
            .filter(|(_, what)| !ESSENTIAL.contains(what))
            .collect();
        ranked.sort_by_key(|(_, what)| {
            PRIORITY
                .iter()
                .position(|p| p == what)
                .unwrap_or(PRIORITY.len())
        });
        let mut shown: Vec<&'static str> = Vec::new();
        for (keys, what) in ranked {
            let needed = width(keys, what);
            if needed <= room {
                room -= needed;
                shown.push(what);
            }
        }
        let mut spans = vec![Span::raw(" ")];
        for (keys, what) in hints {
            if ESSENTIAL.contains(&what) || shown.contains(&what) {
                spans.push(Span::styled(keys, self.theme.key));
                spans.push(Span::styled(format!(" {what}  "), self.theme.dim));
            }
        }
        fit_line(Line::from(spans), usize::from(area.width)).render(area, buf);
    }
}
