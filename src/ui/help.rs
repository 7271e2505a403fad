//! The help overlay, written from the keymap of the mode the reader is in.

use ratatui::text::{Line, Span, Text};
use strum::VariantArray;

use super::theme::Theme;
use crate::app::{KeyMode, Section};
use crate::keymap::{Binding, labels};

/// Every binding, grouped by section, keys in one column and what they do in the next.
pub fn text(bindings: &[Binding], mode: KeyMode, theme: &Theme) -> Text<'static> {
    let key_width = bindings
        .iter()
        .map(|b| labels(b).chars().count())
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
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<key_width$}", labels(binding)), theme.key),
                Span::raw(binding.command.description_in(mode)),
            ]));
        }
    }
    Text::from(lines)
}
