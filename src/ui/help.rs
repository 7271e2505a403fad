//! The help overlay, written from the keymap table.

use ratatui::text::{Line, Span, Text};

use super::theme::THEME;
use crate::app::keymap::{self, Section};

/// Every binding, grouped by section, keys in one column and what they do in the next.
pub fn text() -> Text<'static> {
    let key_width = keymap::bindings()
        .iter()
        .map(|b| keymap::labels(b).chars().count())
        .max()
        .unwrap_or(0)
        + 3;
    let mut lines = Vec::new();
    for section in Section::ALL {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(section.title(), THEME.heading)));
        for binding in keymap::bindings().iter().filter(|b| b.section == section) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<key_width$}", keymap::labels(binding)),
                    THEME.key,
                ),
                Span::raw(binding.description),
            ]));
        }
    }
    Text::from(lines)
}
