//! The footer: reminders of the main keys, straight from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::THEME;
use crate::app::keymap;

/// One line of key reminders.
pub struct Footer;

impl Widget for Footer {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut spans = vec![Span::raw(" ")];
        for (keys, what) in keymap::footer_hints() {
            spans.push(Span::styled(keys, THEME.key));
            spans.push(Span::styled(format!(" {what}  "), THEME.dim));
        }
        Line::from(spans).render(area, buf);
    }
}
