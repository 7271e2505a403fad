//! The help overlay, written from the keymap of the mode the reader is in.

use ratatui::text::{Line, Span, Text};
use strum::VariantArray;

use super::theme::Theme;
use crate::app::{KeyMode, Section};
use crate::keymap::{Binding, labels};
use crate::wrap::{cells, hanging};

/// Every binding, grouped by section, keys in one column and what they do in the next, wrapped
/// to `width` cells with each description's continuation lines under its first word.
pub fn text(bindings: &[Binding], mode: KeyMode, theme: &Theme, width: u16) -> Text<'static> {
    let key_width = bindings
        .iter()
        .map(|b| cells(&labels(b)))
        .max()
        .unwrap_or(0)
        + 3;
    let mut lines = Vec::new();
    for &section in Section::VARIANTS {
        let mut listed = bindings
            .iter()
            .filter(|b| b.command.section() == section && !b.keys.is_empty())
            .peekable();
        if listed.peek().is_none() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(section.title(), theme.heading)));
        for binding in listed {
            let keys = labels(binding);
            let pad = " ".repeat(key_width.saturating_sub(cells(&keys)));
            lines.extend(hanging(
                vec![Span::styled(format!("  {keys}{pad}"), theme.key)],
                vec![Span::styled(
                    binding.command.description_in(mode),
                    theme.text,
                )],
                usize::from(width),
            ));
        }
    }
    Text::from(lines)
}
