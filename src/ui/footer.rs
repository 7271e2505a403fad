//! The footer: reminders of the main keys, straight from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;

/// Reminders that always show, whatever the width: how to get help, how to leave, and for a
/// follower how to catch up with the presenter.
const ESSENTIAL: [&str; 3] = ["follow", "help", "quit"];

/// One line of key reminders: as many as fit, in the keymap's order, with help and quit kept;
/// or a message for the reader when there is one.
pub struct Footer<'a> {
    pub status: Option<&'a str>,
    /// The keys to remind of and what they do, from the live keymap.
    pub hints: Vec<(String, &'static str)>,
    pub theme: &'a Theme,
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if let Some(status) = self.status {
            Line::from(vec![
                Span::raw(" "),
                Span::styled(status.to_owned(), self.theme.disputed),
            ])
            .render(area, buf);
            return;
        }
        let hints = self.hints;
        let width = |keys: &str, what: &str| keys.chars().count() + what.chars().count() + 3;
        let mut room = usize::from(area.width).saturating_sub(1);
        for (keys, what) in hints.iter().filter(|(_, what)| ESSENTIAL.contains(what)) {
            room = room.saturating_sub(width(keys, what));
        }
        let mut spans = vec![Span::raw(" ")];
        for (keys, what) in hints {
            if !ESSENTIAL.contains(&what) {
                let needed = width(&keys, what);
                if needed > room {
                    continue;
                }
                room -= needed;
            }
            spans.push(Span::styled(keys, self.theme.key));
            spans.push(Span::styled(format!(" {what}  "), self.theme.dim));
        }
        Line::from(spans).render(area, buf);
    }
}
